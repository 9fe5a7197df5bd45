/** A random secret the hubs sharing a database share, made once by whichever asks first. */
import { sql } from "drizzle-orm";
import { randomSecret } from "../db/random_secret.ts";
import type { Tx } from "../db/client.ts";

/** The secret `name`, created (32 random bytes) if there is none yet. */
export async function ensureHubSecret(tx: Tx, name: string, now: number): Promise<string> {
  const fresh = randomSecret();
  // One statement: of two hubs racing, the second keeps the first's secret.
  await tx.run(sql`INSERT INTO hub_secrets (name, value, created_at)
    VALUES (${name}, ${fresh}, ${now}) ON CONFLICT (name) DO NOTHING`);
  const [row] = await tx.all<{ value: string }>(
    sql`SELECT value FROM hub_secrets WHERE name = ${name}`,
  );
  return row!.value;
}
