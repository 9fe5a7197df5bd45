/** The family registry as stored: every family and version workers advertised. */
import { sql } from "drizzle-orm";
import type { FamilyOptions } from "../../shared/family_options.ts";
import type { Reader } from "../db/client.ts";

/** A registered family, as the API shows it. */
export interface RegisteredFamily {
  name: string;
  version: number;
  description: string | null;
  paramsSchema: Record<string, unknown>;
  pin: string;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  hasRun: boolean;
  priority: number;
  timeoutMs: number | null;
  options: FamilyOptions;
  /** While in the future, no task of the family starts. */
  disabledUntil: number | null;
  schemaHash: string;
}

interface FamilyRow {
  name: string;
  version: number;
  description: string | null;
  params_schema: string;
  pin: string;
  retry: string;
  has_run: number;
  priority: number;
  timeout_ms: number | null;
  options: string | null;
  disabled_until: number | null;
  schema_hash: string;
}

/** Every registered family. */
export async function loadFamilies(db: Reader): Promise<RegisteredFamily[]> {
  const rows = await db.all<FamilyRow>(sql`SELECT * FROM families`);
  return rows.map((r) => ({
    name: r.name,
    version: Number(r.version),
    description: r.description,
    paramsSchema: JSON.parse(r.params_schema),
    pin: r.pin,
    retry: JSON.parse(r.retry),
    hasRun: Boolean(r.has_run),
    priority: Number(r.priority),
    timeoutMs: r.timeout_ms === null ? null : Number(r.timeout_ms),
    options: JSON.parse(r.options ?? "{}"),
    disabledUntil: r.disabled_until === null ? null : Number(r.disabled_until),
    schemaHash: r.schema_hash,
  }));
}
