/**
 * The contract between a stream trigger and the broker it reads: small on
 * purpose, so that a Kafka source (or any at-least-once log) can follow the
 * JetStream one (`jetstream_source.ts`) without touching the consumer loop.
 *
 * What a source promises:
 * - **At least once.** A message fetched and neither acknowledged nor
 *   rejected is delivered again (after a timeout, or when `retry` asks),
 *   possibly to another hub reading the same source.
 * - **Stable ids.** `id` is the same on every delivery of one message and
 *   differs between messages, for the life of the data: it is the default
 *   idempotency key, the key that makes a redelivery find its run.
 * - **Acknowledge after commit.** The consumer calls `ack` only once the
 *   run's submission (or the finding of the earlier run) has committed, so
 *   a hub killed at any moment loses nothing: the broker delivers again.
 *
 * For Kafka: `id` is `topic/partition/offset`; `ack` commits the offset once
 * every earlier offset of the partition is acknowledged or rejected; `retry`
 * seeks back; `lag` is the high watermark minus the committed offsets.
 */

/** One message, as a source delivers it. */
export interface SourceMessage {
  /** Stable across redeliveries of this message, unique among messages. */
  readonly id: string;
  readonly data: Uint8Array;
  /** True when the broker delivered it before (it may have made a run already). */
  readonly redelivered: boolean;
  /** Done with: its run is committed. Never called before the commit. */
  ack(): void;
  /** Refused for good (not JSON, parameters its family refuses): never delivered again. */
  reject(reason: string): void;
  /** Not now (the database or the family is not there yet): deliver it again after `delayMs`. */
  retry(delayMs: number): void;
}

/** A broker's subject, topic or stream, read by one trigger on one hub. */
export interface TriggerSource {
  /**
   * Connects, and makes what reading needs (a durable consumer). Throws an
   * error naming what is wrong (no such stream, server unreachable).
   */
  open(): Promise<void>;
  /** Up to `max` messages, waiting at most `waitMs` for them; none when none came. */
  fetch(max: number, waitMs: number): Promise<SourceMessage[]>;
  /** Messages not yet delivered to any reader (the consumer's lag), or null when unknown. */
  lag(): Promise<number | null>;
  /** Sends what is pending (acknowledgements) and disconnects; a fetch under way ends. */
  close(): Promise<void>;
  /**
   * When the trigger is deleted: deletes what the hub made for it on the
   * broker (a durable consumer it named), and nothing the user named.
   */
  remove(): Promise<void>;
}
