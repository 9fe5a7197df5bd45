/** Readiness: the database answers a trivial query. */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";

/** Resolves once the database has answered `SELECT 1`. */
export async function ping(db: Reader): Promise<void> {
  await db.run(sql`SELECT 1`);
}
