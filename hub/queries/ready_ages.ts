/** How long the oldest claimable ready task of each (pin, family) has waited. */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";

/** Since when the oldest ready task of each (pin, family) is claimable (past its backoff). */
export async function readySince(
  db: Reader,
  now: number,
): Promise<Array<{ pin: string; family: string; since: number }>> {
  const rows = await db.all<{ pin: string; family: string; since: number | null }>(sql`
    SELECT pin, family,
      min(CASE WHEN next_attempt_at <= ${now}
        THEN max(coalesce(ready_at, created_at), next_attempt_at) END) AS since
    FROM tasks WHERE state = 'ready' GROUP BY pin, family`);
  return rows.filter((r) => r.since !== null).map((r) => ({
    pin: r.pin,
    family: r.family,
    since: Number(r.since),
  }));
}
