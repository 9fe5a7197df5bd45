/**
 * One client's event stream: a cursor (the last id it was sent or passed
 * over), its filters, and for a run filter the set of the run's tasks.
 *
 * Events are read in pages of ids `(cursor, newest]`, `newest` being an id
 * the feed saw committed, so every id up to it is committed too (see
 * `event_bounds.ts`): the cursor moves to `newest` when the page is not full,
 * and nothing is skipped or sent twice.
 *
 * A run's graph grows while it runs (expansions add requirements, parked
 * tasks add dynamic ones), and a task's first events can come before the
 * event that links it to the run, even in an earlier page. So the rule is:
 * a task event is the run's when its task is in the run's graph as the
 * database stood at or after the event's commit. The set of the run's tasks
 * is read with the id it is valid for (`asOf`); an event of a task not in it
 * with an id above `asOf` makes the page read the graph again before it is
 * filtered. A task can thus show in a run's stream with events from just
 * before it joined the run (the same transaction, or another run's), never
 * without events from after.
 */
import { type HubEvent, TASK_EVENT_KINDS } from "../../shared/api_schemas_events.ts";
import type { Reader } from "../db/client.ts";
import { readEvents } from "../queries/read_events.ts";
import { runGraph } from "../queries/run_graph.ts";
import type { EventFilter } from "./event_filter.ts";

/** Events read per page. */
export const EVENT_PAGE = 500;

/** Yielded instead of an event when the stream was silent for the keep-alive interval. */
export const KEEP_ALIVE = Symbol("keep-alive");

/** What a subscription needs of its feed. */
export interface FeedView {
  readonly newest: number;
  readonly keepAliveMs: number;
  waitBeyond(after: number, signal: AbortSignal, timeoutMs: number): Promise<boolean>;
}

/** What a subscription is made of. */
export interface SubscriptionInit {
  feed: FeedView;
  read: <T>(fn: (db: Reader) => Promise<T>) => Promise<T>;
  filter: EventFilter;
  cursor: number;
  /** Events read at once. */
  pageSize: number;
  /** A run filter's tasks, valid for events up to `asOf`. */
  members: { ids: Set<string>; asOf: number } | null;
  onClose: (subscription: EventSubscription) => void;
  now?: () => number;
}

const TASK_KINDS = new Set<string>(TASK_EVENT_KINDS);

/** One open event stream. */
export class EventSubscription {
  readonly #s: SubscriptionInit;
  readonly #abort = new AbortController();
  #cursor: number;
  #members: { ids: Set<string>; asOf: number } | null;

  constructor(init: SubscriptionInit) {
    this.#s = init;
    this.#cursor = init.cursor;
    this.#members = init.members;
  }

  /** Aborts when the stream is closed (by its client, or the hub stopping). */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The last id sent or passed over. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Ends the stream (idempotent). */
  close(): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    this.#s.onClose(this);
  }

  /**
   * The stream's events in id order, as they are committed, and
   * {@link KEEP_ALIVE} after each silent keep-alive interval; ends once closed.
   */
  async *events(): AsyncGenerator<HubEvent | typeof KEEP_ALIVE> {
    for await (const batch of this.batches()) {
      if (batch === KEEP_ALIVE) yield batch;
      else yield* batch;
    }
  }

  /**
   * {@link events} a page at a time (never an empty page), so a stream
   * writes what one read found in one go.
   */
  async *batches(): AsyncGenerator<HubEvent[] | typeof KEEP_ALIVE> {
    const { feed } = this.#s;
    const now = this.#s.now ?? Date.now;
    const signal = this.#abort.signal;
    let lastSent = now();
    try {
      while (!signal.aborted) {
        const page = await this.#nextPage();
        if (page.length > 0) {
          if (signal.aborted) return;
          yield page;
          lastSent = now();
        }
        if (page.length === 0 && this.#cursor >= feed.newest) {
          const dueIn = lastSent + feed.keepAliveMs - now();
          if (dueIn > 0) await feed.waitBeyond(this.#cursor, signal, dueIn);
        }
        if (!signal.aborted && now() - lastSent >= feed.keepAliveMs) {
          yield KEEP_ALIVE;
          lastSent = now();
        }
      }
    } finally {
      this.close();
    }
  }

  async #nextPage(): Promise<HubEvent[]> {
    const upto = this.#s.feed.newest;
    if (upto <= this.#cursor) return [];
    const { filter, read } = this.#s;
    const page = await read((db) =>
      readEvents(db, {
        after: this.#cursor,
        upto,
        limit: this.#s.pageSize,
        kinds: filter.kinds,
        taskId: filter.taskId,
        runId: filter.runId,
      })
    );
    this.#cursor = page.length === this.#s.pageSize ? page.at(-1)!.id : upto;
    return filter.runId === null ? page : await this.#ofRun(filter.runId, page);
  }

  /** The events of `page` that belong to run `runId` (its own, its tasks'). */
  async #ofRun(runId: string, page: HubEvent[]): Promise<HubEvent[]> {
    let members = this.#members!;
    const unknown = page.some((e) =>
      e.runId !== runId && e.taskId !== null && TASK_KINDS.has(e.kind) &&
      !members.ids.has(e.taskId) && e.id > members.asOf
    );
    if (unknown) {
      // Read after the page: the graph is at least as new as the cursor.
      const ids = await this.#s.read((db) => runGraph(db, runId));
      members = this.#members = { ids: ids ?? members.ids, asOf: this.#cursor };
    }
    return page.filter((e) =>
      e.runId === runId ||
      (e.runId === null && e.taskId !== null && TASK_KINDS.has(e.kind) && members.ids.has(e.taskId))
    );
  }
}
