/**
 * Opt-in capture of `console.*` for the duration of an attempt. Each
 * attempt runs inside an `AsyncLocalStorage` context holding its task
 * logger; while installed, `console.log`, `info`, `debug`, `warn` and
 * `error` look the context up and, inside an attempt, write a task log line
 * (formatted like Node's `util.format`) instead of printing. Code outside
 * any attempt prints as before.
 *
 * The context follows the attempt through `await`, timers, microtasks and
 * promise callbacks, so concurrent attempts are told apart. Its limit is
 * that of `AsyncLocalStorage` itself: a callback runs in the context of
 * whoever calls it, so a listener one attempt registered on an emitter
 * another attempt fires is attributed to the one that fired it, and code
 * an attempt started that outlives it (a leaked timer) is attributed to it
 * in the worker's log but no longer shipped.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import type { Logger, LogLevel } from "../shared/log.ts";

const METHODS = {
  log: "info",
  info: "info",
  debug: "debug",
  warn: "warn",
  error: "error",
} as const satisfies Record<string, LogLevel>;

type Method = keyof typeof METHODS;
type ConsoleFn = (...args: unknown[]) => void;

/** Routes the `console.*` calls of running attempts to their task loggers. */
export class ConsoleCapture {
  /** Wrappers of uninstalled captures, to what they pass through to (skipped on restore). */
  static readonly #passThrough = new WeakMap<ConsoleFn, ConsoleFn>();
  readonly #storage = new AsyncLocalStorage<Logger>();
  readonly #target: Console;
  #originals: Map<Method, ConsoleFn> | null = null;
  readonly #wrappers = new Map<Method, ConsoleFn>();
  #active = false;
  /** Set while a captured line is being written (a logger that prints to console must not loop). */
  #writing = false;

  /** Captures `target` (the global console by default) once installed. */
  constructor(target: Console = globalThis.console) {
    this.#target = target;
  }

  /** Replaces the console's methods with ones that look for an attempt first. */
  install(): void {
    if (this.#originals) return;
    this.#originals = new Map();
    this.#active = true;
    const target = this.#target as unknown as Record<Method, ConsoleFn>;
    for (const method of Object.keys(METHODS) as Method[]) {
      const original = target[method];
      this.#originals.set(method, original);
      const wrapper: ConsoleFn = (...args) => {
        const log = this.#active && !this.#writing ? this.#storage.getStore() : undefined;
        if (log === undefined) return original.apply(this.#target, args);
        this.#writing = true;
        try {
          log[METHODS[method]](format(...args));
        } finally {
          this.#writing = false;
        }
      };
      this.#wrappers.set(method, wrapper);
      target[method] = wrapper;
    }
  }

  /** Runs `fn` (an attempt) with its console calls written to `log`. */
  run<T>(log: Logger, fn: () => T): T {
    return this.#storage.run(log, fn);
  }

  /**
   * Puts the console's methods back; a method someone replaced since is
   * left to them, and this capture's wrapper under it just passes through.
   */
  uninstall(): void {
    if (!this.#originals) return;
    this.#active = false;
    const target = this.#target as unknown as Record<Method, ConsoleFn>;
    for (const [method, original] of this.#originals) {
      const wrapper = this.#wrappers.get(method)!;
      let restore = original;
      while (ConsoleCapture.#passThrough.has(restore)) {
        restore = ConsoleCapture.#passThrough.get(restore)!;
      }
      if (target[method] === wrapper) target[method] = restore;
      else ConsoleCapture.#passThrough.set(wrapper, restore);
    }
    this.#originals = null;
    this.#wrappers.clear();
  }
}
