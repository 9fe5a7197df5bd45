/**
 * Pauses: while a family (every version) or a region (workers whose `region`
 * label is it) is paused, no new lease of it is granted. Running work is
 * left alone and finishes.
 */
import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.ts";

/** What a pause applies to. */
export type PauseKind = "family" | "region";

/** A pause as the API shows it. */
export interface Pause {
  kind: PauseKind;
  value: string;
  reason: string | null;
  /** The token (`tok_…`) that paused it. */
  createdBy: string | null;
  createdAt: number;
}

/** What is paused, for claims and starvation reasons. */
export interface PausedSets {
  families: Set<string>;
  regions: Set<string>;
}

/** Pauses a family or a region; false when it was already paused (the first pause stands). */
export async function pause(
  tx: Tx,
  kind: PauseKind,
  value: string,
  reason: string | null,
  createdBy: string | null,
  now: number,
): Promise<boolean> {
  if (value === "") throw new TypeError(`Cannot pause a ${kind} with an empty name`);
  const rows = await tx.all<{ value: string }>(sql`
    INSERT INTO pauses (kind, value, reason, created_by, created_at)
    VALUES (${kind}, ${value}, ${reason}, ${createdBy}, ${now})
    ON CONFLICT (kind, value) DO NOTHING
    RETURNING value`);
  return rows.length > 0;
}

/** Lifts a pause; false when there was none. */
export async function resume(tx: Tx, kind: PauseKind, value: string): Promise<boolean> {
  const rows = await tx.all<{ value: string }>(sql`
    DELETE FROM pauses WHERE kind = ${kind} AND value = ${value} RETURNING value`);
  return rows.length > 0;
}

/** Every pause, newest first. */
export async function listPauses(db: Db | Tx): Promise<Pause[]> {
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
export async function pausedSets(db: Db | Tx): Promise<PausedSets> {
  const rows = await db.all<{ kind: PauseKind; value: string }>(
    sql`SELECT kind, value FROM pauses`,
  );
  const sets: PausedSets = { families: new Set(), regions: new Set() };
  for (const r of rows) (r.kind === "family" ? sets.families : sets.regions).add(r.value);
  return sets;
}
