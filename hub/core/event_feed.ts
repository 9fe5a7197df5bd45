/**
 * Tails the events table for this hub's event streams. Hubs sharing a
 * database see each other's events only through it, so while any stream is
 * open the feed polls the newest event id (one cheap indexed read, every
 * `pollMs`) and wakes the streams when it grows; after each of this hub's
 * own commits it polls at once, so a change made here is streamed without
 * the wait. Each stream then reads its own page of events (its filters, its
 * cursor) when woken: the feed reads no rows itself.
 *
 * The feed also bounds how many streams this hub serves at once, and ends
 * them all when the hub stops (an open stream would hold the HTTP server's
 * graceful shutdown forever).
 */
import type { EventGap } from "../../shared/api_schemas_events.ts";
import type { Logger } from "../../shared/log.ts";
import type { Reader } from "../db/client.ts";
import { eventBounds, newestEventId } from "../queries/event_bounds.ts";
import { runGraph } from "../queries/run_graph.ts";
import type { EventFilter } from "./event_filter.ts";
import { EVENT_PAGE, EventSubscription } from "./event_subscription.ts";
import { RequestError } from "./request_error.ts";
import { startAfter } from "./start_after.ts";

/** What the feed needs. */
export interface EventFeedDeps {
  /** Runs a read model (the core's `read`: on `:memory:`, behind queued writes). */
  read: <T>(fn: (db: Reader) => Promise<T>) => Promise<T>;
  log: Logger;
  /**
   * The id up to which every event that will ever commit is visible, where
   * ids are not handed out in commit order (PostgreSQL, see
   * `db/pg/event_horizon.ts`). Without it, the newest id is.
   */
  horizon?: () => Promise<number>;
  /** How often the newest id is polled while a stream is open. Default 250 ms. */
  pollMs?: number;
  /** Least time (ms) between the polls of this hub's commits. Default 20 ms. */
  kickGapMs?: number;
  /** Most streams open at once on this hub. Default 100. */
  maxStreams?: number;
  /** A stream silent this long gets a comment line, so proxies keep it open. Default 15 s. */
  keepAliveMs?: number;
  /** Events a stream reads at once. Default {@link EVENT_PAGE}. */
  pageSize?: number;
}

interface Waiter {
  after: number;
  done: (woken: boolean) => void;
}

/** One hub's event feed. */
export class EventFeed {
  readonly maxStreams: number;
  readonly keepAliveMs: number;
  readonly #d: EventFeedDeps;
  readonly #pollMs: number;
  readonly #streams = new Set<EventSubscription>();
  readonly #waiters = new Set<Waiter>();
  /** Streams open or being opened: what the limit counts. */
  #reserved = 0;
  #newest = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling: Promise<void> | null = null;
  #again = false;
  /** The timer set is a kick's, due sooner than the regular poll. */
  #soon = false;
  /** When the last poll began (`performance.now()`). */
  #lastPoll = -Infinity;
  readonly #kickGapMs: number;
  #closed = false;
  /** The database did not answer the last poll (logged once per outage). */
  #failing = false;

  constructor(deps: EventFeedDeps) {
    this.#d = deps;
    this.#pollMs = deps.pollMs ?? 250;
    this.#kickGapMs = deps.kickGapMs ?? 20;
    this.maxStreams = deps.maxStreams ?? 100;
    this.keepAliveMs = deps.keepAliveMs ?? 15_000;
  }

  /** The newest event id this hub has seen committed. */
  get newest(): number {
    return this.#newest;
  }

  /**
   * Where ids are not handed out in commit order (PostgreSQL), the id up to
   * which every event that will commit is visible; null where the newest id
   * is that (libSQL). Read it before a snapshot whose events a client will
   * follow: the snapshot holds all events up to it.
   */
  async horizon(): Promise<number | null> {
    return this.#d.horizon ? await this.#d.horizon() : null;
  }

  /** How many streams are open. */
  get streams(): number {
    return this.#streams.size;
  }

  /**
   * Opens a stream of the events that pass `filter`, after event `after`
   * (null: from now on). Resolves once its start is fixed, so whatever a
   * client reads after the response began is also streamed. Refuses with
   * 503 beyond {@link maxStreams} or while the hub stops, 404 for an unknown
   * run.
   */
  async subscribe(
    filter: EventFilter,
    after: number | null,
  ): Promise<{ subscription: EventSubscription; gap: EventGap | null }> {
    if (this.#closed) {
      throw new RequestError(503, "hub_stopping", "This hub is stopping: connect to another hub");
    }
    if (this.#reserved >= this.maxStreams) {
      throw new RequestError(
        503,
        "too_many_streams",
        `This hub already serves ${this.maxStreams} event streams (DROVER_EVENT_STREAMS): ` +
          "try again later or connect to another hub",
      );
    }
    this.#reserved++;
    try {
      // Bounds first, then the graph: the graph is at least as new as `safe`.
      const bounds = await this.#d.read(eventBounds);
      const safe = this.#d.horizon ? Math.min(bounds.last, await this.#d.horizon()) : bounds.last;
      const members = filter.runId === null
        ? null
        : await this.#d.read((db) => runGraph(db, filter.runId!));
      if (filter.runId !== null && members === null) {
        throw new RequestError(404, "run_not_found", `Run "${filter.runId}" does not exist`);
      }
      if (this.#closed) throw new RequestError(503, "hub_stopping", "This hub is stopping");
      const { cursor, gap } = startAfter(after, bounds, safe);
      const subscription = new EventSubscription({
        feed: this,
        read: this.#d.read,
        filter,
        cursor,
        pageSize: this.#d.pageSize ?? EVENT_PAGE,
        members: members ? { ids: members, asOf: safe } : null,
        onClose: (s) => {
          this.#streams.delete(s);
          this.#reserved--;
          if (this.#streams.size === 0) this.#stopPolling();
        },
      });
      this.#streams.add(subscription);
      this.#advance(safe);
      if (this.#streams.size === 1) this.#poll();
      return { subscription, gap };
    } catch (error) {
      this.#reserved--;
      throw error;
    }
  }

  /**
   * This hub committed a write: look for new events now (if anyone
   * listens), or, when the last look began less than `kickGapMs` ago, as
   * soon as that much has passed: a busy hub commits every millisecond or
   * two, and streams need not be woken that often.
   */
  kick(): void {
    if (this.#streams.size === 0 || this.#closed) return;
    if (this.#polling) {
      // A commit during a read may not be in it: read again after.
      this.#again = true;
      return;
    }
    const wait = this.#lastPoll + this.#kickGapMs - performance.now();
    if (wait <= 0) return this.#poll();
    if (this.#soon) return;
    clearTimeout(this.#timer);
    this.#soon = true;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#poll();
    }, wait);
  }

  /**
   * Resolves true once an event newer than `after` is known, false when
   * `timeoutMs` passes first, the signal aborts or the feed closes.
   */
  waitBeyond(after: number, signal: AbortSignal, timeoutMs: number): Promise<boolean> {
    if (this.#newest > after) return Promise.resolve(true);
    if (signal.aborted || this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => waiter.done(false);
      const timer = setTimeout(() => waiter.done(false), Math.max(0, timeoutMs));
      const waiter: Waiter = {
        after,
        done: (woken) => {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          this.#waiters.delete(waiter);
          resolve(woken);
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Ends every stream and stops polling; resolves once a poll in progress is over. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const stream of [...this.#streams]) stream.close();
    for (const waiter of [...this.#waiters]) waiter.done(false);
    this.#stopPolling();
    await this.#polling;
  }

  #advance(newest: number): void {
    if (newest <= this.#newest) return;
    this.#newest = newest;
    for (const waiter of [...this.#waiters]) if (waiter.after < newest) waiter.done(true);
  }

  #poll(): void {
    if (this.#polling) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#soon = false;
    this.#lastPoll = performance.now();
    this.#polling = (async () => {
      try {
        this.#advance(await (this.#d.horizon?.() ?? this.#d.read(newestEventId)));
        if (this.#failing) this.#d.log.info("event feed reads the database again");
        this.#failing = false;
      } catch (error) {
        if (!this.#failing) {
          this.#d.log.warn("event feed cannot read the newest event; retrying", { error });
        }
        this.#failing = true;
      } finally {
        this.#polling = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
        this.#schedule();
      }
    })();
  }

  #schedule(): void {
    if (this.#closed || this.#streams.size === 0 || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#poll();
    }, this.#pollMs);
  }

  #stopPolling(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#soon = false;
  }
}
