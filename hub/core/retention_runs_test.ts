/**
 * Retention of finished runs: what goes, what a kept run still needs, what
 * is not settled, backfills as a whole, the audit log's own age, and the
 * dry run counting exactly what a pass then deletes.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { silentLogger } from "../../shared/log.ts";
import { checkInvariants } from "../db/check_invariants.ts";
import type { Tx } from "../db/client.ts";
import { testDatabase } from "../ops/test_db.ts";
import { TASK_PRUNE_BATCH } from "../ops/prune_tasks.ts";
import { joinRunGraph } from "../ops/steps/run_members.ts";
import { Retention } from "./retention.ts";

const DAY = 86_400_000;
const NOW = 100 * DAY;
const OLD = NOW - 40 * DAY; // past the default 30 days
const YOUNG = NOW - DAY;

interface Seed {
  tasks: [id: string, state: string, updatedAt: number][];
  edges?: [taskId: string, depId: string][];
  runs?: [id: string, root: string, state: string, finishedAt: number | null, backfill?: string][];
}

/**
 * Tasks (each with an attempt, a publication when done, and a log line too
 * young for the log's own retention), edges and runs.
 */
async function seed(tx: Tx, s: Seed): Promise<void> {
  for (const [id, state, at] of s.tasks) {
    await tx.run(sql`INSERT INTO tasks (id, family, version, params, state, kind, created_at,
      updated_at, finished_at, lease_epoch, attempt) VALUES (${id}, 'F', 1, '{}', ${state}, 'run',
      ${at - 1}, ${at}, ${state === "done" || state === "failed" ? at : null}, 1, 1)`);
    await tx.run(sql`INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at,
      ended_at, outcome) VALUES (${id}, 'run', 1, 1, 'w', ${at - 1}, ${at}, 'done')`);
    if (state === "done") {
      await tx.run(sql`INSERT INTO publications (key, task_id, epoch, worker_id, kind, created_at)
        VALUES (${`k_${id}`}, ${id}, 1, 'w', 'run', ${at})`);
    }
    await tx.run(sql`INSERT INTO task_logs (task_id, attempt, epoch, worker_id, at, level, message)
      VALUES (${id}, 1, 1, 'w', ${NOW - 1000}, 'info', 'hi')`);
  }
  for (const [taskId, depId] of s.edges ?? []) {
    await tx.run(sql`INSERT INTO edges (task_id, dep_id) VALUES (${taskId}, ${depId})`);
  }
  for (const [id, root, state, finishedAt, backfill] of s.runs ?? []) {
    await tx.run(sql`INSERT INTO runs (id, root_task_id, family, params, state, created_at,
      finished_at, backfill_id) VALUES (${id}, ${root}, 'F', '{}', ${state},
      ${(finishedAt ?? YOUNG) - 10}, ${finishedAt}, ${backfill ?? null})`);
    await joinRunGraph(tx, id, root);
  }
}

async function ids(tx: Tx, table: "tasks" | "runs" | "backfills"): Promise<string[]> {
  const rows = await tx.all<{ id: string }>(sql`SELECT id FROM ${sql.raw(table)} ORDER BY id`);
  return rows.map((r) => r.id);
}

Deno.test("retention deletes an old finished run's tasks, keeps what a kept run or an unsettled task needs, and the dry run counted exactly that", async () => {
  await using db = await testDatabase();
  await db.tx((tx) =>
    seed(tx, {
      tasks: [
        ["A", "done", OLD], // root of an old done run
        ["B", "done", OLD],
        ["C", "failed", OLD],
        ["D", "done", OLD], // shared: C and E require it
        ["E", "done", YOUNG], // root of a young run
        ["F", "waiting", OLD], // root of an old run still running
        ["G", "done", OLD], //   ... and its requirement
        ["K", "done", OLD], // done long ago, the root of a run submitted again lately
        ["L", "done", OLD], //   ... and its requirement
        ["H", "waiting", OLD], // old, needed by nobody, but not settled
        ["I", "done", YOUNG], // settled recently, needed by nobody
        ["J", "blocked", OLD], // orphaned, blocked by C long ago
      ],
      edges: [["A", "B"], ["A", "C"], ["C", "D"], ["E", "D"], ["F", "G"], ["J", "C"], ["K", "L"]],
      runs: [
        ["run_old", "A", "failed", OLD],
        ["run_young", "E", "done", YOUNG],
        ["run_running", "F", "running", null],
        ["run_again", "K", "done", YOUNG],
      ],
    })
  );
  const retention = new Retention({ queue: db.queue, now: () => NOW, log: silentLogger });
  const preview = await retention.preview((fn) => db.tx(fn));
  assert.deepEqual(preview.wouldDelete, {
    runs: 1,
    backfills: 0,
    tasks: 4, // A, B, C, J
    attempts: 4,
    publications: 2,
    taskLogs: 4,
    audit: 0,
  });
  const report = await retention.prune();
  assert.equal(report.finished, true);
  assert.deepEqual(
    [report.runs, report.tasks, report.attempts, report.publications, report.taskLogs],
    [1, 4, 4, 2, 4],
  );
  await db.tx(async (tx) => {
    assert.deepEqual(await ids(tx, "tasks"), ["D", "E", "F", "G", "H", "I", "K", "L"]);
    assert.deepEqual(await ids(tx, "runs"), ["run_again", "run_running", "run_young"]);
    const edges = await tx.all<{ e: string }>(
      sql`SELECT task_id || '>' || dep_id AS e FROM edges ORDER BY 1`,
    );
    assert.deepEqual(edges.map((r) => r.e), ["E>D", "F>G", "K>L"]);
    const left = await tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM attempts`);
    assert.equal(left[0]!.n, 8);
    assert.deepEqual(await checkInvariants(tx), []);
  });
  // A second pass finds nothing.
  const again = await retention.prune();
  assert.equal(again.tasks + again.runs, 0);
  assert.equal(again.finished, true);
});

Deno.test("retention peels a deep old run in batches of at most TASK_PRUNE_BATCH, each short", async () => {
  await using db = await testDatabase();
  const n = 3 * TASK_PRUNE_BATCH + 17;
  const chain = Array.from({ length: n }, (_, i) => `T${String(i).padStart(4, "0")}`);
  await db.tx((tx) =>
    seed(tx, {
      // The deepest settled first, as they would have.
      tasks: chain.map((id, i) => [id, "done", OLD - i] as [string, string, number]),
      edges: chain.slice(1).map((id, i) => [chain[i]!, id] as [string, string]),
      runs: [["run_chain", chain[0]!, "done", OLD]],
    })
  );
  const retention = new Retention({ queue: db.queue, now: () => NOW, log: silentLogger });
  assert.equal((await retention.preview((fn) => db.tx(fn))).wouldDelete.tasks, n);
  // A budget of 0 ms still does one round of batches.
  const first = await retention.prune(0);
  assert.equal(first.finished, false);
  assert.ok(first.tasks <= TASK_PRUNE_BATCH, `${first.tasks}`);
  const rest = await retention.prune();
  assert.equal(first.tasks + rest.tasks, n);
  assert.equal(rest.finished, true);
  // Three writes a round (events and logs, runs and audit, tasks).
  assert.ok(first.batches + rest.batches >= 3 * Math.ceil(n / TASK_PRUNE_BATCH));
  await db.tx(async (tx) => assert.deepEqual(await ids(tx, "tasks"), []));
});

Deno.test("retention takes a backfill as a whole, keeps the audit log longer, and 'off' keeps all", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    for (const [id, next] of [["bf_done", 2], ["bf_open", 1]] as const) {
      await tx.run(sql`INSERT INTO backfills (id, family, version, param, params, dates,
        next_index, created_at) VALUES (${id}, 'F', 1, 'day', '{}', '["d1","d2"]', ${next},
        ${OLD - DAY})`);
    }
    await seed(tx, {
      tasks: [["P", "done", OLD], ["Q", "done", OLD], ["R", "done", OLD]],
      runs: [
        ["run_p", "P", "done", OLD, "bf_done"],
        ["run_q", "Q", "done", OLD, "bf_done"],
        ["run_r", "R", "done", OLD, "bf_open"], // its backfill has a day to launch
      ],
    });
    for (const at of [NOW - 500 * DAY, NOW - 401 * DAY, NOW - 399 * DAY]) {
      await tx.run(sql`INSERT INTO audit_log (at, action, outcome, status)
        VALUES (${at}, 'run.submit', 'ok', 201)`);
    }
  });
  const off = new Retention({
    queue: db.queue,
    now: () => NOW,
    log: silentLogger,
    settings: { runRetentionMs: null, auditRetentionMs: null },
  });
  const none = await off.prune();
  assert.equal(none.runs + none.tasks + none.audit + none.backfills, 0);
  assert.equal(none.finished, true);

  const retention = new Retention({ queue: db.queue, now: () => NOW, log: silentLogger });
  const preview = await retention.preview((fn) => db.tx(fn));
  assert.deepEqual(
    [preview.wouldDelete.runs, preview.wouldDelete.backfills, preview.wouldDelete.tasks],
    [2, 1, 2],
  );
  assert.equal(preview.wouldDelete.audit, 2);
  const report = await retention.prune();
  assert.deepEqual([report.runs, report.backfills, report.tasks, report.audit], [2, 1, 2, 2]);
  await db.tx(async (tx) => {
    assert.deepEqual(await ids(tx, "backfills"), ["bf_open"]);
    assert.deepEqual(await ids(tx, "runs"), ["run_r"]);
    assert.deepEqual(await ids(tx, "tasks"), ["R"]);
  });
});

Deno.test("retention deletes a wide old run whose root has more edges than a batch may delete", async () => {
  await using db = await testDatabase();
  const leaves = Array.from({ length: 450 }, (_, i) => `L${String(i).padStart(3, "0")}`);
  await db.tx((tx) =>
    seed(tx, {
      tasks: [["W", "done", OLD], ...leaves.map((id) => [id, "done", OLD - 1] as Seed["tasks"][0])],
      edges: leaves.map((id) => ["W", id] as [string, string]),
      runs: [["run_wide", "W", "done", OLD]],
    })
  );
  const retention = new Retention({ queue: db.queue, now: () => NOW, log: silentLogger });
  const report = await retention.prune();
  assert.equal(report.tasks, 451);
  assert.equal(report.finished, true);
  await db.tx(async (tx) => {
    assert.deepEqual(await ids(tx, "tasks"), []);
    const edges = await tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM edges`);
    assert.equal(edges[0]!.n, 0);
  });
});
