/** Lifting the disable a family earns by failing too often (its `disable` option). */
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";

/** Re-enables every version of family `name`. */
export async function enableFamily(tx: Tx, name: string): Promise<void> {
  await tx.run(sql`UPDATE families SET disabled_until = NULL WHERE name = ${name}`);
}
