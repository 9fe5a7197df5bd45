/** The pins of ready tasks: the dispatcher's claims look only at pins a worker matches. */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";

/** Every distinct pin key among ready tasks. */
export async function readyPins(db: Reader): Promise<string[]> {
  const rows = await db.all<{ pin: string }>(
    sql`SELECT DISTINCT pin FROM tasks WHERE state = 'ready'`,
  );
  return rows.map((r) => r.pin);
}
