/**
 * Frames sent close together, coalesced into one `batch` frame (protocol 2):
 * each frame is serialized as it is sent, and what waits goes out as one
 * WebSocket message when the window closes, when the next frame would take
 * the message over its byte or count limit, or when the sender flushes
 * (before closing its socket). A frame alone goes out as itself. Until
 * batching is switched on (protocol 1, or before the welcome) every frame
 * goes out at once.
 *
 * @module
 */
import { z } from "zod";

/** A frame longer than this many characters goes out alone, after what waits. */
export const ALONE_CHARS = 64 * 1024;

/** Most frames in one `batch` frame. */
export const MAX_BATCH_FRAMES = 1_000;

/**
 * Frames sent together (protocol 2), either way. Each item is read alone
 * by the receiver's own schema, so one bad item is refused alone.
 */
export const batchFrameSchema = z.strictObject({
  type: z.literal("batch"),
  frames: z.array(z.unknown()).min(1).max(MAX_BATCH_FRAMES),
});

/**
 * The frames one received message carries: a batch's items, or the message
 * itself; null for a `batch` frame that does not parse.
 */
export function framesOf(json: unknown): unknown[] | null {
  if ((json as { type?: unknown } | null)?.type !== "batch") return [json];
  const batch = batchFrameSchema.safeParse(json);
  return batch.success ? batch.data.frames : null;
}

/** What a {@link FrameCoalescer} writes to and waits with. */
export interface CoalescerOptions {
  /** Writes one message to the socket; false when it is gone. */
  write(text: string): boolean;
  /** Whether the socket can take a message now. */
  open(): boolean;
  /** Most bytes of one message (the peer's frame limit). */
  maxBytes: number;
  /**
   * How long the first frame waits for others, in milliseconds: 0 sends
   * once the event loop's current task and its promise jobs are done (what
   * they sent goes together, at no measurable delay); above 0, a timer
   * (Deno's timers fire about 2 ms late at the least).
   */
  windowMs: number;
  /**
   * Runs `fn` once the current task of the event loop and its promise jobs
   * are done (`setImmediate` of `node:timers`; this module stays portable).
   */
  immediate(fn: () => void): void;
}

/** Frames of one socket on their way out. */
export class FrameCoalescer {
  /** Whether frames are coalesced (the peer speaks protocol 2). */
  enabled = false;
  readonly #o: CoalescerOptions;
  /** Serialized frames waiting; null where a later frame replaced one. */
  #pending: (string | null)[] = [];
  /** Waiting frames that go ahead of the others (see `send()`'s `ahead`). */
  #ahead: string[] = [];
  #bytes = 0;
  #count = 0;
  /** Where the waiting frame of each replaceable kind sits in `#pending`. */
  readonly #replaceable = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** A flush is scheduled (by timer or immediate). */
  #scheduled = false;

  constructor(options: CoalescerOptions) {
    this.#o = options;
  }

  /**
   * Sends `frame` (an object with a `type`), now or with the next batch;
   * false when the socket is not open. With `replaces`, a frame of that kind
   * still waiting is dropped for this one (state such as credit, where only
   * the latest counts). With `ahead`, the frame goes before the waiting
   * frames sent without it (a hub's acknowledgements before its grants: a
   * worker must hear a task's result answered before it is granted the task
   * again).
   */
  send(frame: { type: string }, replaces?: string, ahead = false): boolean {
    if (!this.#o.open()) return false;
    const text = JSON.stringify(frame);
    if (!this.enabled) return this.#write(text);
    if (text.length > ALONE_CHARS) {
      // Batching saves nothing on a big frame (a part of an expansion), and a
      // message of many would make the receiver hold them all at once.
      this.flush();
      return this.#write(text);
    }
    if (
      this.#count + 1 > MAX_BATCH_FRAMES ||
      this.#bytes + text.length * 3 + this.#count + 64 > this.#o.maxBytes
    ) {
      this.flush();
    }
    if (replaces !== undefined) {
      const at = this.#replaceable.get(replaces);
      if (at !== undefined) {
        this.#bytes -= this.#pending[at]!.length * 3;
        this.#pending[at] = null;
        this.#count--;
      }
      this.#replaceable.set(replaces, this.#pending.length);
    }
    if (ahead) this.#ahead.push(text);
    else this.#pending.push(text);
    this.#bytes += text.length * 3;
    this.#count++;
    if (!this.#scheduled) {
      this.#scheduled = true;
      if (this.#o.windowMs > 0) this.#timer = setTimeout(() => this.flush(), this.#o.windowMs);
      else this.#o.immediate(() => this.#scheduled && this.flush());
    }
    return true;
  }

  /** Sends what waits now; false when the socket took nothing. */
  flush(): boolean {
    const texts = this.#take();
    if (texts.length === 0) return true;
    if (texts.length === 1) return this.#write(texts[0]!);
    return this.#write(`{"type":"batch","frames":[${texts.join(",")}]}`);
  }

  /** Forgets what waits (the socket closed: the callers send it again after a reconnect). */
  clear(): void {
    this.#take();
  }

  /** What waits, in sending order; nothing waits afterwards. */
  #take(): string[] {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#scheduled = false;
    const texts = [...this.#ahead, ...this.#pending.filter((t): t is string => t !== null)];
    this.#ahead = [];
    this.#pending = [];
    this.#bytes = 0;
    this.#count = 0;
    this.#replaceable.clear();
    return texts;
  }

  #write(text: string): boolean {
    return this.#o.open() && this.#o.write(text);
  }
}
