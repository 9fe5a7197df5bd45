/** What the schedule gauge reads at scrape time. */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";

/**
 * For each active schedule with a time to come, how long (s) its next look
 * has been due and not fired: about 0 while a hub fires it, growing while
 * none does. Paused and ended schedules are left out.
 */
export async function schedulesBehind(db: Reader, now: number): Promise<Array<[string, number]>> {
  const rows = await db.all<{ name: string; next_at: number }>(sql`
    SELECT name, next_at FROM schedules WHERE paused_at IS NULL AND next_at IS NOT NULL`);
  return rows.map((r) => [r.name, Math.max(0, now - r.next_at) / 1000]);
}
