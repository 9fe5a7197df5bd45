import assert from "node:assert/strict";
import { readOutput } from "../testing/read_output.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForBackfill } from "../testing/wait_for_backfill.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { drover } from "./fixtures/drover.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

interface BackfillRun {
  runId: string;
  date: string;
  taskId: string;
  state: string;
}

interface Backfill {
  backfillId: string;
  days: number;
  skipped: number;
  submitted: number;
  done: number;
  failed: number;
  running: number;
  state: string;
  runs: BackfillRun[];
}

/** The most intervals [start, end) that contain one instant. */
function maxOverlap(intervals: readonly (readonly [number, number])[]): number {
  // An end sorts before a start at the same instant: a lease handed over is no overlap.
  const events = intervals.flatMap(([s, e]) => [[s, 1], [e, -1]] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of events) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}

Deno.test("a backfill runs one ExtractRaw per day, skips the complete day and keeps to its limit", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-backfill-" });
  const dataDir = `${dir}/data`;
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    await using _worker = await spawnWorker({
      hub,
      entry: "tests/fixtures/worker.ts",
      dataDir,
      stateDir: `${dir}/worker`,
      slots: 4,
    });

    await t.step("2026-11-03 is extracted alone first", async () => {
      const run = await hub.api.request<{ runId: string }>("/api/runs", {
        body: { family: "ExtractRaw", params: { runDate: "2026-11-03" } },
      });
      assert.equal(run.status, 201, JSON.stringify(run.body));
      assert.equal(
        (await waitForRun(hub.api, run.body.runId, { timeoutMs: 30_000 })).state,
        "done",
      );
    });

    let backfill: Backfill | undefined;
    await t.step("the backfill over ten days skips it and ends done", async () => {
      const created = await hub.api.request<Backfill>("/api/backfills", {
        body: { family: "ExtractRaw", from: "2026-11-01", to: "2026-11-10", maxConcurrent: 2 },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.days, 10);
      assert.equal(created.body.skipped, 1);
      assert.ok(
        created.body.submitted >= 1 && created.body.submitted <= 2,
        "the first days start at once",
      );
      backfill = await waitForBackfill<Backfill>(hub.api, created.body.backfillId);
      assert.equal(backfill.state, "done", JSON.stringify(backfill));
      assert.deepEqual(
        [backfill.days, backfill.skipped, backfill.submitted, backfill.done, backfill.failed],
        [10, 1, 9, 9, 0],
      );
      assert.equal(backfill.runs.length, 9);
      assert.ok(backfill.runs.every((r) => r.state === "done"));
      assert.ok(!backfill.runs.some((r) => r.date === "2026-11-03"), "no run for the complete day");
    });

    await t.step("each day's output exists", async () => {
      for (let day = 1; day <= 10; day++) {
        const date = `2026-11-${String(day).padStart(2, "0")}`;
        const raw = JSON.parse(await readOutput(`${dataDir}/raw/v1/${date}.json`));
        assert.equal(raw.runDate, date);
      }
    });

    await t.step("at no instant were more than two of its tasks leased", async () => {
      const intervals: Array<[number, number]> = [];
      for (const run of backfill!.runs) {
        const task = await hub.api.request<
          { attempts: Array<{ startedAt: number; endedAt: number | null }> }
        >(`/api/tasks/${run.taskId}`);
        assert.equal(task.status, 200);
        assert.ok(task.body.attempts.length > 0, `${run.taskId} has attempts`);
        for (const a of task.body.attempts) {
          assert.ok(a.endedAt !== null, `${run.taskId}: every attempt ended`);
          intervals.push([a.startedAt, a.endedAt]);
        }
      }
      const most = maxOverlap(intervals);
      assert.ok(most >= 1 && most <= 2, `at most 2 leased at once, saw ${most}`);
    });

    await t.step("drover backfill --wait exits 0 with a summary of the days", async () => {
      const result = await drover(hub, [
        "backfill",
        "ExtractRaw",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-03",
        "--wait",
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /^Backfill bf_\w+ done in \S+: 3 days, 0 skipped as already complete, 3 done, 0 failed$/m,
      );
      assert.doesNotMatch(result.stderr, /error/);
    });

    await t.step("a reversed range exits 2 with one line, before asking the hub", async () => {
      const result = await drover(hub, [
        "backfill",
        "ExtractRaw",
        "--from",
        "2026-12-05",
        "--to",
        "2026-12-01",
      ]);
      assert.equal(result.code, 2);
      assert.equal(
        result.stderr,
        'error: Option "--from" (2026-12-05) is after "--to" (2026-12-01); swap them\n',
      );
    });

    await t.step("a family without a date parameter exits 4 with the hub's message", async () => {
      const result = await drover(hub, [
        "backfill",
        "AggregateShards",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "-p",
        "totalShards=3",
      ]);
      assert.equal(result.code, 4);
      assert.match(
        result.stderr,
        /^error: Task family AggregateShards has no parameter with "format": "date"; give param .* \(invalid_param\)\n$/,
      );
    });
  } finally {
    await removeTree(dir);
  }
});
