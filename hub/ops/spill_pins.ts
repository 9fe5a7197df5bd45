/**
 * Regional preference with spill-over: a run may say "eu-west, then
 * eu-central after a minute". A ready task's pin allows the first region;
 * each `spillAfterMs` it spends ready lets the next region take it too.
 */
import { sql } from "drizzle-orm";
import { pinKey } from "../../shared/selector.ts";
import type { Tx } from "../db/client.ts";

interface Spill {
  label: string;
  values: string[];
  spillAfterMs: number;
  stage: number;
}

/** The pin of a preference at `stage`: the first `stage + 1` values. */
export function spillPin(spill: Omit<Spill, "stage">, stage: number): string {
  const allowed = spill.values.slice(0, stage + 1);
  return pinKey({ [spill.label]: allowed.length === 1 ? allowed[0]! : { in: allowed } });
}

/**
 * Widens the pins of ready tasks that waited long enough; returns the new
 * pins. Each update re-checks `state = 'ready'`, so a task leased meanwhile
 * keeps the pin it was leased under.
 */
export async function spillPins(tx: Tx, now: number): Promise<string[]> {
  const rows = await tx.all<{ id: string; pin_spill: string; ready_at: number | null }>(sql`
    SELECT id, pin_spill, ready_at FROM tasks
    WHERE state = 'ready' AND pin_spill IS NOT NULL AND pin_spill LIKE '{"label"%'`);
  const pins: string[] = [];
  for (const row of rows) {
    const spill = JSON.parse(row.pin_spill) as Spill;
    const waited = now - (row.ready_at ?? now);
    const stage = Math.min(
      spill.values.length - 1,
      Math.max(spill.stage, Math.floor(waited / spill.spillAfterMs)),
    );
    if (stage === spill.stage) continue;
    const pin = spillPin(spill, stage);
    await tx.run(sql`
      UPDATE tasks SET pin = ${pin}, pin_spill = ${
      JSON.stringify({ ...spill, stage })
    }, updated_at = ${now}
      WHERE id = ${row.id} AND state = 'ready'`);
    pins.push(pin);
  }
  return pins;
}
