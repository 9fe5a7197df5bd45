import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.ts";
import { advanceBackfills } from "./advance_backfills.ts";
import type { BackfillDay } from "../db/backfill_days.ts";
import { backfillStatus } from "../queries/backfill_status.ts";
import { UNKNOWN_FAMILY } from "./family_defaults.ts";
import { refreshRunStates } from "./steps/run_states.ts";
import { insertTask, testDatabase } from "./test_db.ts";
import { insertEdges } from "./test_tasks.ts";

const families = () => UNKNOWN_FAMILY;

function day(date: string, skipped = false): BackfillDay {
  return { date, taskId: `D_${date}`, params: { day: date }, ...(skipped ? { skipped } : {}) };
}

async function insertBackfill(
  tx: Tx,
  id: string,
  days: BackfillDay[],
  maxConcurrent: number | null,
  priority = 0,
) {
  await tx.run(sql`
    INSERT INTO backfills (id, family, version, param, params, dates, max_concurrent, priority,
      created_at)
    VALUES (${id}, 'D', 1, 'day', '{}', ${
    JSON.stringify(days)
  }, ${maxConcurrent}, ${priority}, 0)`);
}

async function roots(tx: Tx, backfillId: string) {
  return await tx.all<{ root_task_id: string; priority: number; state: string }>(
    sql`SELECT root_task_id, priority, state FROM runs WHERE backfill_id = ${backfillId}
      ORDER BY root_task_id`,
  );
}

/**
 * Moves a day's root task to `state` and lets the run-state rule see it, as
 * the operation that changed it would. A blocked root gets a failed
 * requirement, its culprit, as it would have in a real run.
 */
async function setRoot(tx: Tx, date: string, state: string): Promise<void> {
  const id = `D_${date}`;
  if (state === "blocked") {
    await insertTask(tx, { id: `X_${date}`, family: "X", state: "failed" });
    await insertEdges(tx, id, [`X_${date}`]);
  }
  await tx.run(sql`UPDATE tasks SET state = ${state} WHERE id = ${id}`);
  await refreshRunStates(tx, [id], 0);
}

Deno.test("advanceBackfills() keeps at most maxConcurrent runs unfinished, then goes on as they end", async (t) => {
  await using db = await testDatabase();
  const dates = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"];
  await db.tx((tx) => insertBackfill(tx, "bf", dates.map((d) => day(d)), 2, 7));

  await t.step("the first two days start", async () => {
    assert.equal(await db.tx((tx) => advanceBackfills(tx, families, 1)), 2);
    const runs = await db.tx((tx) => roots(tx, "bf"));
    assert.deepEqual(runs.map((r) => r.root_task_id), ["D_2026-11-01", "D_2026-11-02"]);
    assert.ok(runs.every((r) => r.priority === 7), "runs carry the backfill's priority");
  });

  await t.step("nothing more starts while both are unfinished", async () => {
    await db.tx((tx) => setRoot(tx, "2026-11-01", "leased"));
    assert.equal(await db.tx((tx) => advanceBackfills(tx, families, 2)), 0);
  });

  await t.step("a day that ends, done or failed, frees its slot", async () => {
    await db.tx((tx) => setRoot(tx, "2026-11-01", "done"));
    assert.equal(await db.tx((tx) => advanceBackfills(tx, families, 3)), 1);
    await db.tx((tx) => setRoot(tx, "2026-11-02", "failed"));
    await db.tx((tx) => setRoot(tx, "2026-11-03", "blocked"));
    assert.equal(await db.tx((tx) => advanceBackfills(tx, families, 4)), 2);
    assert.equal(await db.tx((tx) => advanceBackfills(tx, families, 5)), 0);
    assert.equal((await db.tx((tx) => roots(tx, "bf"))).length, 5);
  });

  await t.step("the status counts each day by its run's state", async () => {
    await db.tx((tx) => setRoot(tx, "2026-11-04", "done"));
    const status = await db.tx((tx) => backfillStatus(tx, "bf", { runs: true }));
    assert.equal(status?.state, "running");
    assert.deepEqual(
      [status?.done, status?.failed, status?.running, status?.pending],
      [2, 2, 1, 0],
    );
    await db.tx((tx) => setRoot(tx, "2026-11-05", "done"));
    const ended = await db.tx((tx) => backfillStatus(tx, "bf", { runs: true }));
    assert.equal(ended?.state, "failed");
    assert.deepEqual(
      ended?.runs?.filter((r) => r.state === "failed").map((r) => r.date),
      ["2026-11-02", "2026-11-03"],
    );
  });
});

Deno.test("advanceBackfills() passes over skipped days and days complete since, without a slot", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "D_2026-11-02", family: "D", state: "done" });
    await insertBackfill(tx, "bf", [
      day("2026-11-01", true),
      day("2026-11-02"),
      day("2026-11-03"),
      day("2026-11-04", true),
    ], 1);
  });
  assert.equal(await db.tx((tx) => advanceBackfills(tx, families, 1)), 2);
  const runs = await db.tx((tx) => roots(tx, "bf"));
  assert.deepEqual(runs.map((r) => [r.root_task_id, r.state]), [
    ["D_2026-11-02", "done"],
    ["D_2026-11-03", "running"],
  ]);
  const [row] = await db.tx((tx) =>
    tx.all<{ next_index: number }>(sql`SELECT next_index FROM backfills`)
  );
  assert.equal(row?.next_index, 4, "the trailing skipped day is passed over too");
  await db.tx((tx) => setRoot(tx, "2026-11-03", "done"));
  const status = await db.tx((tx) => backfillStatus(tx, "bf"));
  assert.deepEqual(
    [status?.state, status?.days, status?.skipped, status?.submitted, status?.done],
    ["done", 4, 2, 2, 2],
  );
  assert.deepEqual([status?.from, status?.to], ["2026-11-01", "2026-11-04"]);
});

Deno.test("advanceBackfills() submits every day at once when there is no limit", async () => {
  await using db = await testDatabase();
  await db.tx((tx) =>
    insertBackfill(tx, "bf", ["2026-01-01", "2026-01-02", "2026-01-03"].map((d) => day(d)), null)
  );
  assert.equal(await db.tx((tx) => advanceBackfills(tx, families, 1)), 3);
  assert.equal(await db.tx((tx) => advanceBackfills(tx, families, 2)), 0);
  const [task] = await db.tx((tx) =>
    tx.all<{ params: string; state: string }>(sql`SELECT params, state FROM tasks LIMIT 1`)
  );
  assert.deepEqual(JSON.parse(task!.params), { day: "2026-01-01" });
  assert.equal(task!.state, "ready");
});
