/**
 * A run's members and counts follow its graph without a walk: shared tasks
 * count in every run that reaches them, a new edge brings a whole subgraph
 * in, a replaced expansion takes what it no longer reaches out, and a task
 * already done when it joined counts as such until it is done again.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { checkInvariants } from "../../db/check_invariants.ts";
import type { Tx } from "../../db/client.ts";
import { insertTask, testDatabase } from "../test_db.ts";
import { insertEdges } from "../test_tasks.ts";
import { joinRunGraph, spreadRunMembers, trimRunMembers } from "./run_members.ts";

async function run(tx: Tx, id: string, root: string, createdAt: number): Promise<void> {
  await tx.run(sql`INSERT INTO runs (id, root_task_id, family, params, state, created_at)
    VALUES (${id}, ${root}, 'F', '{}', 'running', ${createdAt})`);
  await joinRunGraph(tx, id, root);
}

async function counts(tx: Tx, runId: string): Promise<Record<string, number>> {
  const rows = await tx.all<{ state: string; n: number }>(
    sql`SELECT state, n FROM run_counts WHERE run_id = ${runId} AND n > 0 ORDER BY state`,
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

async function members(tx: Tx, runId: string): Promise<string[]> {
  const rows = await tx.all<{ task_id: string }>(
    sql`SELECT task_id FROM run_tasks WHERE run_id = ${runId} ORDER BY task_id`,
  );
  return rows.map((r) => r.task_id);
}

Deno.test("run members: shared tasks, a new edge's subgraph, a replaced expansion, already done", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    // a → b → c, c done before either run existed.
    await insertTask(tx, { id: "a", state: "waiting" });
    await insertTask(tx, { id: "b", state: "waiting" });
    await insertTask(tx, { id: "c", state: "done" });
    await tx.run(sql`UPDATE tasks SET finished_at = 5, lease_epoch = 1 WHERE id = 'c'`);
    await tx.run(sql`INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
      VALUES ('k_c', 'c', 1, 'w', 'run', 5)`);
    await insertEdges(tx, "a", ["b"]);
    await insertEdges(tx, "b", ["c"]);
    await run(tx, "run_a", "a", 10);
    assert.deepEqual(await members(tx, "run_a"), ["a", "b", "c"]);
    assert.deepEqual(await counts(tx, "run_a"), { already_done: 1, done: 1, waiting: 2 });

    // d joins b later (a new edge): run_d gains b and c with it.
    await insertTask(tx, { id: "d", state: "waiting" });
    await run(tx, "run_d", "d", 20);
    await insertEdges(tx, "d", ["b"]);
    await spreadRunMembers(tx, [["d", "b"]]);
    assert.deepEqual(await members(tx, "run_d"), ["b", "c", "d"]);

    // A state change counts in every run of the task.
    await tx.run(sql`UPDATE tasks SET state = 'ready' WHERE id = 'b'`);
    assert.deepEqual(await counts(tx, "run_a"), {
      already_done: 1,
      done: 1,
      ready: 1,
      waiting: 1,
    });
    assert.deepEqual(await counts(tx, "run_d"), {
      already_done: 1,
      done: 1,
      ready: 1,
      waiting: 1,
    });

    // c leaves done (as a reopened wrapper would): no longer already done, anywhere.
    await tx.run(sql`DELETE FROM publications WHERE task_id = 'c'`);
    await tx.run(sql`UPDATE tasks SET state = 'ready', finished_at = NULL WHERE id = 'c'`);
    assert.deepEqual(await counts(tx, "run_a"), { ready: 2, waiting: 1 });

    // a's expansion is replaced: a now requires e, not b; run_a loses b and c.
    await insertTask(tx, { id: "e", state: "ready" });
    await tx.run(sql`DELETE FROM edges WHERE task_id = 'a'`);
    await insertEdges(tx, "a", ["e"]);
    await spreadRunMembers(tx, [["a", "e"]]);
    await trimRunMembers(tx, ["a"]);
    assert.deepEqual(await members(tx, "run_a"), ["a", "e"]);
    assert.deepEqual(await counts(tx, "run_a"), { ready: 1, waiting: 1 });
    assert.deepEqual(await members(tx, "run_d"), ["b", "c", "d"], "run_d keeps b and c");
    // (The states above are set by hand: only the runs' invariants apply.)
    const runs = (await checkInvariants(tx)).filter((v) => /run's|member/.test(v.invariant));
    assert.deepEqual(runs, []);
  });
});
