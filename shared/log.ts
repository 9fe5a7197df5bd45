/**
 * JSON-lines logging: a fixed message plus fields, with child loggers that
 * carry context (`workerId`, `taskId`) on every line.
 *
 * @module
 */
import { toJsonSafe } from "./json_safe.ts";

/** Log levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/**
 * A structured logger.
 *
 * @example
 * ```ts
 * import { createLogger } from "./log.ts";
 * const log = createLogger({ level: "info" }).child({ workerId: "w1" });
 * log.info("lease granted", { taskId: "A_1_ab", epoch: 3 });
 * ```
 */
export interface Logger {
  /** Logs at debug level. */
  debug(msg: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(msg: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(msg: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(msg: string, fields?: LogFields): void;
  /** Returns a logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written; default `"info"`. */
  level?: LogLevel;
  /** Where lines go; default standard error. */
  write?: (line: string) => void;
  /** Clock for the `time` field; default `Date.now`. */
  now?: () => number;
}

/**
 * Creates a JSON-lines logger.
 *
 * @example
 * ```ts
 * import { createLogger } from "./log.ts";
 * const lines: string[] = [];
 * const log = createLogger({ write: (l) => lines.push(l) });
 * log.warn("renewal refused", { taskId: "A_1_ab" });
 * console.assert(JSON.parse(lines[0]!).taskId === "A_1_ab");
 * ```
 */
export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const min = LEVELS[options.level ?? "info"];
  const write = options.write ?? defaultWrite;
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    const line: LogFields = { time: new Date(now()).toISOString(), level, msg };
    // The fixed fields come first and win over same-named context fields.
    for (const source of [base, fields ?? {}]) {
      for (const [k, v] of Object.entries(source)) {
        if (k !== "time" && k !== "level" && k !== "msg") line[k] = serialiseField(v);
      }
    }
    write(stringify(line));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/**
 * A logger that drops everything (for tests and benchmarks).
 *
 * @example
 * ```ts
 * import { silentLogger } from "./log.ts";
 * silentLogger.info("nothing is written");
 * ```
 */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

const encoder = new TextEncoder();

function defaultWrite(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

/** The line as JSON; fields JSON cannot write (cycles, BigInts) never make logging throw. */
function stringify(line: LogFields): string {
  try {
    return JSON.stringify(line);
  } catch {
    return JSON.stringify(toJsonSafe(line));
  }
}

function serialiseField(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  return value;
}
