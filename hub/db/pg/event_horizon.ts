/**
 * How far the events table can be read on PostgreSQL without skipping any.
 *
 * Event ids come from a sequence when a row is inserted, and transactions
 * commit in any order: claims of several hubs run side by side (they take
 * the write lock shared). A reader that saw id N committed may not yet see
 * N−1, whose transaction is still open, and a cursor past N would never go
 * back for it. So a reader reads only up to a horizon: an id below which
 * every event that will ever commit already has.
 *
 * 1. `last`: the sequence's last value. Every id up to it was handed out
 *    before this read, to a transaction that had an id already: the hub's
 *    write transactions ask for theirs first (`txid_current()`), and any
 *    other statement inserting events writes a table row first.
 * 2. `r`: a transaction id taken (and committed) after that read: every
 *    transaction that handed out an id up to `last` has a smaller one.
 * 3. Once no transaction older than `r` is open (`pg_snapshot_xmin` of a new
 *    snapshot reaches `r`), `last` is the horizon.
 *
 * The wait lasts as long as the longest write transaction open at step 2:
 * milliseconds for the hub's own. A write transaction left open anywhere on
 * the same PostgreSQL server (transaction ids are the server's, not one
 * database's) holds event streams back until it ends: `waitMs` bounds each
 * call, which then answers the last horizon it proved.
 */
import type { Sql } from "postgres";

/** Options for {@link eventHorizon}. */
export interface EventHorizonOptions {
  /** Longest one call waits for older transactions to end. Default 2,000 ms. */
  waitMs?: number;
}

/** A function answering the current horizon; it remembers the last one proved. */
export function eventHorizon(
  primary: () => Promise<Sql>,
  options: EventHorizonOptions = {},
): () => Promise<number> {
  let proved = 0;
  return async () => {
    const sql = await primary();
    const [seq] = await sql<{ last: number }[]>`
      SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS last FROM events_id_seq`;
    const last = Number(seq?.last ?? 0);
    if (last <= proved) return proved;
    const [mark] = await sql<{ r: string }[]>`SELECT pg_current_xact_id()::text AS r`;
    const started = performance.now();
    for (let wait = 1;; wait = Math.min(wait * 2, 50)) {
      const [row] = await sql<{ ended: boolean }[]>`
        SELECT pg_snapshot_xmin(pg_current_snapshot()) >= ${mark!.r}::xid8 AS ended`;
      if (row?.ended) return proved = Math.max(proved, last);
      if (performance.now() - started >= (options.waitMs ?? 2_000)) return proved;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
}
