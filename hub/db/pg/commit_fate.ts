/**
 * What became of a transaction whose connection broke while its COMMIT was
 * on the way. Each write transaction reads its id (`txid_current()`) with
 * its first statement; after the break, the hub asks the primary (the same
 * server, or the standby promoted in its place) with `txid_status`:
 *
 * - `committed`: it was applied; the hub goes on as if COMMIT had answered.
 * - `aborted`, or an id this server never saw (a standby promoted before the
 *   commit reached it): not applied; the write queue may try it again.
 * - still in progress (the server has not yet noticed the client is gone; a
 *   session idle in a transaction is ended after 5 s), or no answer within
 *   `timeoutMs`: unknown, and the operations fail (`COMMIT_UNKNOWN`).
 */
import type { Sql } from "postgres";
import { isConnectionLoss } from "./primary_pool.ts";

/** A transaction's fate, as far as the hub could learn it. */
export type CommitFate = "committed" | "aborted" | "unknown";

/** Asks `connect()`'s server about transaction `xid` until it knows, or `timeoutMs` passed. */
export async function commitFate(
  connect: () => Promise<Sql>,
  xid: string,
  { timeoutMs = 15_000, everyMs = 200 } = {},
): Promise<CommitFate> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const sql = await connect();
      const [row] = await sql.unsafe<{ status: string | null }[]>(
        "SELECT txid_status($1::bigint) AS status",
        [xid],
      );
      if (row?.status === "committed") return "committed";
      if (row?.status === "aborted") return "aborted";
      if (row?.status === null || row?.status === undefined) return "unknown"; // too old to tell
    } catch (error) {
      // 22023: "transaction ID … is in the future": this server never had it.
      if ((error as { code?: string }).code === "22023") return "aborted";
      if (!isConnectionLoss(error) && (error as { code?: string }).code !== "NO_PRIMARY") {
        return "unknown";
      }
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return "unknown";
}
