/**
 * Task log lines on their way to the hub. `ctx.log` only appends to a
 * bounded buffer (it never waits); a timer sends what is buffered in
 * `task.log` frames over the session's socket. Lines that do not fit —
 * the buffer is full, or the attempt is over its cap — are dropped, counted
 * per attempt and reported as `dropped` in the attempt's next frame. An
 * attempt's lines are sent before its outcome, and while no socket is open
 * they wait: the session flushes them after its next welcome, before the
 * outbox replays results. Lines are sent at most once: a frame the socket
 * accepted and then lost with the connection is not sent again.
 */
import { toJsonSafe } from "../shared/json_safe.ts";
import type { Logger, LogLevel } from "../shared/log.ts";
import {
  MAX_LOG_LINES_PER_FRAME,
  MAX_LOG_MESSAGE_CHARS,
  type TaskLogLine,
  type WorkerFrame,
} from "../shared/protocol.ts";
import { taskLogLineBytes } from "../shared/task_log_bytes.ts";
import type { Clock } from "./clock.ts";
import {
  DEFAULT_TASK_LOG_LIMITS,
  type TaskLogLimits,
  type TaskLogOptions,
} from "./task_log_limits.ts";
import type { WorkerStats } from "./worker_stats.ts";

/** Most bytes of messages and fields in one frame (far under the protocol's frame limit). */
const FRAME_BYTES = 512 * 1024;
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** What {@link LogShipper} works with. */
export interface LogShipperOptions {
  /** Sends a frame; false when no socket is open (the lines wait). */
  send(frame: WorkerFrame): boolean;
  /** Bytes the socket holds unsent (its `bufferedAmount`). */
  backlog(): number;
  clock: Clock;
  stats: WorkerStats;
  /** The worker's own log, for the first drop of each attempt. */
  log: Logger;
  limits?: TaskLogOptions;
}

/** One attempt's log, as its task writes it. */
export interface AttemptLog {
  /** Buffers a line (never waits); below the level, over a bound or after `end()`, it is not. */
  write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  /** The attempt is over: its lines are sent now, before its outcome; later ones are not. */
  end(): void;
}

interface Pending {
  line: TaskLogLine;
  bytes: number;
  /** Lines of the attempt dropped just before this one. */
  droppedBefore: number;
}

/** The buffered lines of one attempt, and what it has used of its cap. */
interface AttemptBuffer {
  taskId: string;
  epoch: number;
  lines: Pending[];
  /** Lines dropped since the last one buffered. */
  dropped: number;
  bytes: number;
  capped: boolean;
  warnedFull: boolean;
  ended: boolean;
}

type SendResult = "sent" | "congested" | "disconnected";

/** The worker's task log lines until they are on the wire. */
export class LogShipper {
  readonly #o: LogShipperOptions;
  readonly #limits: TaskLogLimits;
  readonly #attempts = new Map<string, AttemptBuffer>();
  #lines = 0;
  #bytes = 0;
  #timer: unknown = null;
  #timerImmediate = false;
  #closed = false;

  constructor(options: LogShipperOptions) {
    this.#o = options;
    const { capture: _, ...limits } = options.limits ?? {};
    this.#limits = { ...DEFAULT_TASK_LOG_LIMITS, ...limits };
  }

  /** Lines waiting to be sent. */
  get size(): number {
    return this.#lines;
  }

  /** The log of the attempt holding the lease `(taskId, epoch)`. */
  open(taskId: string, epoch: number): AttemptLog {
    const key = `${epoch}:${taskId}`;
    const buffer: AttemptBuffer = this.#attempts.get(key) ?? {
      taskId,
      epoch,
      lines: [],
      dropped: 0,
      bytes: 0,
      capped: false,
      warnedFull: false,
      ended: false,
    };
    this.#attempts.set(key, buffer);
    return {
      write: (level, msg, fields) => this.#write(buffer, level, msg, fields),
      end: () => {
        if (buffer.ended) return;
        buffer.ended = true;
        this.#sendAttempt(key, buffer, true);
      },
    };
  }

  /** Runs an attempt, its `console.*` calls written to `log` when the console is captured. */
  run<T>(log: Logger, fn: () => T): T {
    const capture = this.#o.limits?.capture;
    return capture ? capture.run(log, fn) : fn();
  }

  /** Sends every waiting line, whatever the socket holds (after a welcome, before results). */
  flush(): void {
    for (const [key, buffer] of [...this.#attempts]) {
      if (this.#sendAttempt(key, buffer, true) === "disconnected") return;
    }
  }

  /** Sends what it can, stops the timer and counts the lines left unsent as dropped. */
  close(): void {
    this.flush();
    this.#closed = true;
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    for (const buffer of this.#attempts.values()) {
      this.#o.stats.logLinesDropped += buffer.lines.length;
    }
    this.#attempts.clear();
    this.#lines = 0;
    this.#bytes = 0;
  }

  #write(b: AttemptBuffer, level: LogLevel, msg: string, fields?: Record<string, unknown>) {
    if (LEVELS[level] < LEVELS[this.#limits.level]) return;
    // After the attempt's outcome (or the worker's close), a line is no longer shipped.
    if (b.ended || this.#closed) return void this.#o.stats.logLinesDropped++;
    const line = this.#line(level, msg, fields);
    const bytes = taskLogLineBytes(line.msg, line.fields ? JSON.stringify(line.fields) : null);
    const limits = this.#limits;
    if (b.capped || b.bytes + bytes > limits.attemptBytes) {
      if (!b.capped) {
        this.#o.log.warn("task log over its cap: later lines are dropped", {
          taskId: b.taskId,
          epoch: b.epoch,
          capBytes: limits.attemptBytes,
        });
      }
      b.capped = true;
      return this.#drop(b);
    }
    if (this.#lines >= limits.bufferLines || this.#bytes + bytes > limits.bufferBytes) {
      if (!b.warnedFull) {
        this.#o.log.warn("task log buffer full: lines are dropped", {
          taskId: b.taskId,
          epoch: b.epoch,
          lines: this.#lines,
          bytes: this.#bytes,
        });
      }
      b.warnedFull = true;
      return this.#drop(b);
    }
    b.lines.push({ line, bytes, droppedBefore: b.dropped });
    b.dropped = 0;
    b.bytes += bytes;
    this.#lines++;
    this.#bytes += bytes;
    this.#schedule(this.#lines >= MAX_LOG_LINES_PER_FRAME);
  }

  #drop(b: AttemptBuffer): void {
    b.dropped++;
    this.#o.stats.logLinesDropped++;
    this.#schedule(false);
  }

  /** A line as it crosses the wire: message cut, fields plain JSON and bounded. */
  #line(level: LogLevel, msg: string, fields?: Record<string, unknown>): TaskLogLine {
    let text = String(msg);
    if (text.length > MAX_LOG_MESSAGE_CHARS) text = `${text.slice(0, MAX_LOG_MESSAGE_CHARS - 1)}…`;
    const line: TaskLogLine = {
      at: Math.max(0, Math.floor(this.#o.clock.now())),
      level,
      msg: text,
    };
    if (fields === undefined) return line;
    const safe = toJsonSafe(fields);
    const record = typeof safe === "object" && safe !== null && !Array.isArray(safe)
      ? safe as Record<string, unknown>
      : { value: safe };
    if (Object.keys(record).length === 0) return line;
    const json = JSON.stringify(record);
    line.fields = json.length <= this.#limits.fieldsChars
      ? record
      : { truncated: `${json.slice(0, this.#limits.fieldsChars)}…` };
    return line;
  }

  #schedule(now: boolean): void {
    if (this.#closed || (this.#timer !== null && (this.#timerImmediate || !now))) return;
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timerImmediate = now;
    this.#timer = this.#o.clock.setTimeout(() => this.#onTimer(), now ? 0 : this.#limits.flushMs);
  }

  #onTimer(): void {
    this.#timer = null;
    for (const [key, buffer] of [...this.#attempts]) {
      const result = this.#sendAttempt(key, buffer, false);
      // Disconnected: the next welcome flushes. Congested: try again later.
      if (result === "disconnected") return;
      if (result === "congested") return this.#schedule(false);
    }
  }

  /** Sends an attempt's lines and drops in frames; forgets an ended attempt once all are out. */
  #sendAttempt(key: string, b: AttemptBuffer, force: boolean): SendResult {
    while (b.lines.length > 0 || b.dropped > 0) {
      if (!force && this.#o.backlog() > this.#limits.socketBacklogBytes) return "congested";
      const { frame, count, bytes } = frameOf(b);
      if (!this.#o.send(frame)) return "disconnected";
      b.lines.splice(0, count);
      if (count === 0) b.dropped = 0;
      this.#lines -= count;
      this.#bytes -= bytes;
    }
    if (b.ended) this.#attempts.delete(key);
    return "sent";
  }
}

/**
 * The next frame of `b`: its first lines up to the frame bounds, stopping
 * before a line that had drops before it (each frame's `dropped` counts the
 * lines lost just before its own); with no lines, the drops alone.
 */
function frameOf(b: AttemptBuffer): { frame: WorkerFrame; count: number; bytes: number } {
  const lines: TaskLogLine[] = [];
  let bytes = 0;
  for (const p of b.lines) {
    if (lines.length > 0 && p.droppedBefore > 0) break;
    if (lines.length >= MAX_LOG_LINES_PER_FRAME) break;
    if (lines.length > 0 && bytes + p.bytes > FRAME_BYTES) break;
    lines.push(p.line);
    bytes += p.bytes;
  }
  const dropped = lines.length > 0 ? b.lines[0]!.droppedBefore : b.dropped;
  return {
    frame: { type: "task.log", taskId: b.taskId, epoch: b.epoch, lines, dropped },
    count: lines.length,
    bytes,
  };
}
