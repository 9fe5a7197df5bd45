/** What is paused: the list the API shows, and the sets claims and starvation reasons use. */
import { sql } from "drizzle-orm";
import type { Pause, PauseKind } from "../../shared/api_schemas_admin.ts";
import type { Reader } from "../db/client.ts";

/** What is paused, for starvation reasons. */
export interface PausedSets {
  families: Set<string>;
  regions: Set<string>;
}

/** Every pause, newest first. */
export async function listPauses(db: Reader): Promise<Pause[]> {
  const rows = await db.all<{
    kind: PauseKind;
    value: string;
    reason: string | null;
    created_by: string | null;
    created_at: number;
  }>(sql`SELECT kind, value, reason, created_by, created_at FROM pauses
    ORDER BY created_at DESC, kind, value`);
  return rows.map((r) => ({
    kind: r.kind,
    value: r.value,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

/** The paused families and regions. */
export async function pausedSets(db: Reader): Promise<PausedSets> {
  const rows = await db.all<{ kind: PauseKind; value: string }>(
    sql`SELECT kind, value FROM pauses`,
  );
  const sets: PausedSets = { families: new Set(), regions: new Set() };
  for (const r of rows) (r.kind === "family" ? sets.families : sets.regions).add(r.value);
  return sets;
}
