/** When each token was last used, written in batches off the request path. */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";

/** Sets `last_used_at` of each token to its time in `uses` (never backwards). */
export async function recordTokenUses(tx: Tx, uses: ReadonlyMap<string, number>): Promise<void> {
  for (const part of chunks([...uses], 200)) {
    const values = sql.join(part.map(([id, at]) => sql`(${id}, ${at})`), sql`, `);
    await tx.run(sql`
      WITH used(id, at) AS (VALUES ${values})
      UPDATE tokens SET last_used_at = (SELECT at FROM used WHERE used.id = tokens.id)
      WHERE id IN (SELECT id FROM used)
        AND (last_used_at IS NULL
          OR last_used_at < (SELECT at FROM used WHERE used.id = tokens.id))`);
  }
}
