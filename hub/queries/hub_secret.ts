/** A secret the hubs sharing a database share (see `ensure_hub_secret.ts`). */
import { sql } from "drizzle-orm";
import type { Reader } from "../db/client.ts";

/** The secret `name`, or undefined before any hub made it. */
export async function hubSecret(db: Reader, name: string): Promise<string | undefined> {
  const [row] = await db.all<{ value: string }>(
    sql`SELECT value FROM hub_secrets WHERE name = ${name}`,
  );
  return row?.value;
}
