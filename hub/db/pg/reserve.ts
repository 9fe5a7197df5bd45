/**
 * `sql.reserve()` that a lost connection cannot strand.
 *
 * postgres.js 3.4 loses a reserve that waits for a connection when a pooled
 * connection closes (porsager/postgres#1195): the pool hands the waiting
 * reserve to the closed connection's reconnect, which drops it once it is
 * open, and the promise never settles. A hub whose database went away for a
 * moment then waited for ever on its next transaction, and every write with
 * it.
 *
 * Here a reserve that saw a connection close while it waited is checked: a
 * small query is sent, and if the pool answers it while the reserve still
 * waits, the reserve is taken for lost and asked again (the first one, should
 * it come after all, is released at once). A reserve that waits only for a
 * busy pool is never touched unless a connection closed meanwhile, and then
 * at worst goes to the back of the queue.
 */
import type { ReservedSql, Sql } from "postgres";

/** Tells who waits that a pooled connection closed: pass {@link onClose} as postgres.js's `onclose`. */
export class ConnectionCloses {
  readonly #waiters = new Set<() => void>();

  /** Tells those waiting that a pooled connection closed. */
  readonly onClose = (): void => {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  };

  /** `closed` resolves at the next close; `cancel` stops waiting (and holds nothing). */
  watch(): { closed: Promise<void>; cancel: () => void } {
    let wake = () => {};
    const closed = new Promise<void>((resolve) => wake = resolve);
    this.#waiters.add(wake);
    return { closed, cancel: () => this.#waiters.delete(wake) };
  }

  /** How many wait (for the tests: none once every reserve settled). */
  get waiting(): number {
    return this.#waiters.size;
  }
}

/** Pause between checks while the database does not answer. */
const RECHECK_MS = 100;

/** How long checks may fail before the database's error is given instead. */
const GIVE_UP_MS = 10_000;

/**
 * A reserved connection of `sql`'s, as `sql.reserve()` gives, asked again
 * when postgres.js lost the first request (see the module's comment). While
 * the database does not answer, it rejects as `sql.reserve()` would, with
 * the connection error, after at most 10 s.
 */
export async function reserveConnection(sql: Sql, closes: ConnectionCloses): Promise<ReservedSql> {
  for (;;) {
    const reserving = new Pending(sql.reserve());
    const close = closes.watch();
    const first = await Promise.race([reserving.settled, close.closed.then(() => null)]);
    close.cancel();
    if (first) return unwrap(first);
    const check = await checkReserve(sql, reserving);
    if (check === "settled") return unwrap(await reserving.settled);
    // Lost (or, if it was only waiting its turn, it joins the back of the
    // queue); should it come after all, it goes back to the pool.
    void reserving.settled.then((s) => s.ok && s.value.release());
    if (check !== "lost") throw check.error;
  }
}

type Settled = { ok: true; value: ReservedSql } | { ok: false; error: unknown };

/** A reserve request, and whether it has settled yet. */
class Pending {
  done = false;
  readonly settled: Promise<Settled>;
  constructor(request: Promise<ReservedSql>) {
    this.settled = request.then(
      (value) => ({ ok: true, value }) as const,
      (error) => ({ ok: false, error }) as const,
    ).finally(() => this.done = true);
  }
}

function unwrap(s: Settled): ReservedSql {
  if (s.ok) return s.value;
  throw s.error;
}

/**
 * Whether `reserving` settles ("settled"), or the pool answers a query while
 * it still waits ("lost"), or the database stays away ({ error }).
 */
async function checkReserve(
  sql: Sql,
  reserving: Pending,
): Promise<"settled" | "lost" | { error: unknown }> {
  const settled = reserving.settled.then(() => "settled" as const);
  const began = performance.now();
  for (;;) {
    const probe = sql`SELECT 1`.then(() => ({ answered: true }), (error) => ({ error }));
    const outcome = await Promise.race([settled, probe]);
    if (outcome === "settled") return outcome;
    if ("answered" in outcome) {
      // A reserve handed a connection is resolved before that connection
      // serves a query queued after it; one turn for its continuation.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return reserving.done ? "settled" : "lost";
    }
    if (performance.now() - began > GIVE_UP_MS) return outcome;
    // The database is still away: look again in a moment.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pause = new Promise<"again">((resolve) =>
      timer = setTimeout(resolve, RECHECK_MS, "again")
    );
    const next = await Promise.race([settled, pause]);
    clearTimeout(timer);
    if (next === "settled") return next;
  }
}
