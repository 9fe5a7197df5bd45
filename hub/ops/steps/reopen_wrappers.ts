/**
 * A wrapper (a task with no run and no outputs of its own) is complete only
 * while everything it requires *now* is, as a Luigi `WrapperTask`: the hub
 * does not remember it as done the way it remembers a task with outputs.
 * Submitted again, or met again done inside a new expansion, it is
 * re-expanded, so a requirement added since (a new table in a catalog) is
 * picked up. What waits on it and has not started yet waits for it again;
 * what already ran keeps its result.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { chunks } from "../../db/chunks.ts";
import { refreshRunStates } from "./run_states.ts";
import { PENDING_DEPS } from "./unblock_dependents.ts";

/** Puts the done wrappers among `ids` back to "ready to expand"; returns those reopened. */
export async function reopenDoneWrappers(
  tx: Tx,
  ids: readonly string[],
  now: number,
): Promise<string[]> {
  const reopened: string[] = [];
  for (const part of chunks(ids, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await tx.all<{ id: string }>(sql`
      UPDATE tasks SET state = 'ready', kind = 'expand', pending_deps = 0, finished_at = NULL,
        ready_at = ${now}, next_attempt_at = ${now}, status_message = NULL, updated_at = ${now}
      WHERE id IN (${list}) AND +state = 'done' AND has_run = 0 AND external_deadline_at IS NULL
      RETURNING id`);
    reopened.push(...rows.map((r) => r.id));
  }
  for (const part of chunks(reopened, 400)) {
    const list = sql.join(part.map((id) => sql`${id}`), sql`, `);
    // Done is proven by a publication: a reopened wrapper has none until it is done again.
    await tx.run(sql`DELETE FROM publications WHERE task_id IN (${list})`);
    // Its waiting or ready dependents count it as pending again.
    await tx.run(sql`
      UPDATE tasks SET pending_deps = ${PENDING_DEPS},
        state = CASE WHEN state = 'ready' THEN 'waiting' ELSE state END,
        ready_at = CASE WHEN state = 'ready' THEN NULL ELSE ready_at END, updated_at = ${now}
      WHERE id IN (SELECT task_id FROM edges WHERE dep_id IN (${list}))
        AND (+state = 'waiting' OR +state = 'ready' AND kind = 'run')`);
  }
  await refreshRunStates(tx, reopened, now);
  return reopened;
}
