/**
 * One trigger's reading loop on one hub: open the source, take what it
 * delivers in batches, hand each batch to `handle` (which submits the runs
 * in one transaction, then acknowledges), measure the lag now and then. A
 * source that fails is closed and opened again with backoff; `stop` lets the
 * batch under way finish (so its acknowledgements go out), then closes.
 */
import type { TriggerStatus } from "../../shared/api_schemas_triggers.ts";
import { backoffDelay } from "../../shared/backoff.ts";
import { delay } from "../../shared/delay.ts";
import type { Logger } from "../../shared/log.ts";
import type { SourceMessage, TriggerSource } from "./trigger_source.ts";

/** What `handle` did with a batch. */
export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Sent back for later (the family not registered yet, the database unavailable). */
  retried: number;
  /** Why messages were retried, when the whole batch was. */
  error?: string;
}

/** What a consumer needs. */
export interface TriggerConsumerDeps {
  name: string;
  source: TriggerSource;
  batch: number;
  handle(messages: SourceMessage[]): Promise<BatchOutcome>;
  log: Logger;
  now: () => number;
  /**
   * Whether the trigger is still there and not paused, asked before the
   * source is opened again after a failure (so that a consumer deleted with
   * its trigger is not made again by a hub that has not noticed yet).
   */
  wanted(): Promise<boolean>;
  /** How long one fetch waits for messages. Default 1 s. */
  waitMs?: number;
  /** How often the lag is measured. Default 5 s. */
  lagEveryMs?: number;
}

/** A trigger's status before any message: `state`, no error, no lag known, counts at 0. */
export function freshStatus(state: TriggerStatus["state"]): TriggerStatus {
  return {
    state,
    error: null,
    pending: null,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    lastMessageAt: null,
  };
}

/** A trigger's consumer on this hub. */
export class TriggerConsumer {
  readonly status: TriggerStatus = freshStatus("starting");
  readonly #d: TriggerConsumerDeps;
  readonly #stop = new AbortController();
  /**
   * Resolves when the consumer has ended: stopped, or of itself when,
   * after a failure, its trigger was no longer wanted (paused or deleted).
   */
  readonly ended: Promise<void>;

  constructor(deps: TriggerConsumerDeps) {
    this.#d = deps;
    this.ended = this.#loop();
  }

  /** Finishes the batch under way, closes the source; resolves once it is closed. */
  async stop(): Promise<void> {
    this.#stop.abort(new Error("stopped"));
    await this.ended;
    this.status.state = "stopped";
  }

  async #loop(): Promise<void> {
    const { source, log, name } = this.#d;
    let failures = 0;
    while (!this.#stop.signal.aborted) {
      try {
        this.status.state = "starting";
        await source.open();
        this.status.state = "consuming";
        this.status.error = null;
        failures = 0;
        log.info("trigger consuming", { trigger: name });
        await this.#consume();
      } catch (error) {
        if (this.#stop.signal.aborted) break;
        failures++;
        this.#failing(error);
        await source.close().catch(() => {});
        await this.#pause(failures);
        if (!await this.#d.wanted().catch(() => true)) break;
      }
    }
    await source.close().catch((error) => {
      log.warn("trigger source did not close cleanly", { trigger: name, error: String(error) });
    });
  }

  async #consume(): Promise<void> {
    const { source, batch, now } = this.#d;
    const lagEveryMs = this.#d.lagEveryMs ?? 5_000;
    let lagAt = -Infinity;
    let failures = 0;
    while (!this.#stop.signal.aborted) {
      const messages = await source.fetch(batch, this.#d.waitMs ?? 1_000);
      if (messages.length > 0) {
        const outcome = await this.#d.handle(messages);
        this.status.accepted += outcome.accepted;
        this.status.duplicates += outcome.duplicates;
        this.status.rejected += outcome.rejected;
        this.status.lastMessageAt = now();
        if (outcome.error) {
          failures++;
          this.#failing(outcome.error);
          await this.#pause(failures);
          continue;
        }
        failures = 0;
        this.status.state = "consuming";
        this.status.error = null;
      }
      if (now() - lagAt >= lagEveryMs) {
        lagAt = now();
        // Also the liveness check: a broker that does not answer fails the
        // source, which is then opened again (and the state says "failing").
        this.status.pending = await source.lag();
      }
    }
  }

  #failing(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.status.state = "failing";
    this.status.error = message;
    this.#d.log.warn("trigger failing", { trigger: this.#d.name, error: message });
  }

  /** Waits before trying again (1 s, doubling to 30 s); ends at once on stop. */
  async #pause(failures: number): Promise<void> {
    const ms = backoffDelay(failures, { baseMs: 1_000, maxMs: 30_000 });
    await delay(ms, this.#stop.signal).catch(() => {});
  }
}
