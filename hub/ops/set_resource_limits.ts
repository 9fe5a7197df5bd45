/** Named global resources: at most `limit` units held by running tasks at once, across hubs. */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Sets the limits given, in one statement; a lower limit takes nothing back. */
export async function setResourceLimits(
  tx: Tx,
  limits: Readonly<Record<string, number>>,
  now: number,
): Promise<void> {
  const entries = Object.entries(limits);
  if (entries.length === 0) return;
  const values = sql.join(
    entries.map(([name, limit]) => sql`(${name}, ${limit}, ${now})`),
    sql`, `,
  );
  await tx.run(sql`
    INSERT INTO resource_limits (name, "limit", updated_at) VALUES ${values}
    ON CONFLICT (name) DO UPDATE SET "limit" = excluded."limit", updated_at = excluded.updated_at`);
}
