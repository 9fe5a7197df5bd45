/**
 * Failover: two hubs on a PostgreSQL primary with a synchronous hot standby,
 * through a multi-host URL (`target_session_attrs=read-write`). Mid-run the
 * primary is SIGKILLed and the standby promoted (what Patroni or
 * CloudNativePG do): the run completes, no task is lost or published twice,
 * and every completion a hub acknowledged before the crash is there.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { checkInvariantsAt } from "../hub/db/check_invariants.ts";
import { generateToken } from "../shared/token_format.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { startPostgres } from "../testing/postgres.ts";
import { startStandby } from "../testing/postgres_standby.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { readStarts } from "./fixtures/tasks.ts";

const TASKS = 60;

Deno.test("failover: the primary is SIGKILLed mid-run and its synchronous standby promoted; nothing acknowledged is lost", async () => {
  // fsync stays off (a process crash, not a power cut); commits wait for the standby.
  await using primary = await startPostgres({
    name: "primary",
    settings: { synchronous_commit: "on" },
  });
  await using standby = await startStandby(primary, { name: "standby" });
  const admin = postgres(primary.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`ALTER SYSTEM SET synchronous_standby_names = '*'`);
    await admin.unsafe("SELECT pg_reload_conf()");
    await pollUntil("the standby to replicate synchronously", async () => {
      const rows = await admin.unsafe(
        "SELECT 1 FROM pg_stat_replication WHERE sync_state = 'sync'",
      );
      return rows.length > 0 || undefined;
    }, { timeoutMs: 30_000, everyMs: 100 });
  } finally {
    await admin.end();
  }
  const dbUrl = `postgres://drover@127.0.0.1:${primary.port},127.0.0.1:${standby.port}/drover` +
    "?target_session_attrs=read-write";
  const dir = await Deno.makeTempDir({ prefix: "drover-pg-failover-" });
  try {
    const adminToken = generateToken().token;
    const hub = (hubId: string) => spawnHub({ dbUrl, hubId, adminToken, leaseTtlMs: 5_000 });
    await using a = await hub("hub-a");
    await using b = await hub("hub-b");
    // Logged by a hub once the completion is committed (and acknowledged to the worker).
    const acknowledged = () =>
      new Set(
        [...a.lines, ...b.lines].filter((l) => l.msg === "task published").map((l) =>
          String(l.taskId)
        ),
      );
    const dataDir = `${dir}/data`;
    const common = { hub: a, entry: "tests/fixtures/worker.ts", dataDir, slots: 3 };
    await using w1 = await spawnWorker({
      ...common,
      name: "w1",
      hubUrl: `${a.url},${b.url}`,
      stateDir: `${dir}/w1`,
    });
    await using w2 = await spawnWorker({
      ...common,
      name: "w2",
      hubUrl: `${b.url},${a.url}`,
      stateDir: `${dir}/w2`,
    });

    const { runId } = await a.api.submit("SleepAll", { n: TASKS, ms: 60 });
    await pollUntil("ten acknowledged completions", () => acknowledged().size >= 10 || undefined, {
      timeoutMs: 30_000,
    });
    primary.kill("SIGKILL");
    const before = acknowledged();
    await primary.stop();
    await standby.promote();

    const run = await waitForRun(a.api, runId, { timeoutMs: 90_000 });
    assert.equal(run.state, "done");
    assert.equal(run.total, TASKS + 1);
    await w1.stop();
    await w2.stop();
    await a.stop();
    await b.stop();

    assert.deepEqual(await checkInvariantsAt(standby.url), []);
    const sql = postgres(standby.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql.unsafe<{ task_id: string; n: number }[]>(
        "SELECT t.id AS task_id, count(p.task_id)::int AS n FROM tasks t " +
          "LEFT JOIN publications p ON p.task_id = t.id GROUP BY t.id",
      );
      const published = new Map(rows.map((r) => [r.task_id, r.n]));
      assert.ok(before.size < TASKS, `${before.size} acknowledged before the crash`);
      // Acknowledged before the crash, or after it on the promoted standby: all there, once.
      for (const id of acknowledged()) {
        assert.equal(published.get(id), 1, `${id} was acknowledged`);
      }
      assert.equal(rows.length, TASKS + 1);
      assert.ok(rows.every((r) => r.n === 1), JSON.stringify(rows.filter((r) => r.n !== 1)));
    } finally {
      await sql.end();
    }
    const starts = await readStarts(dataDir);
    assert.equal(new Set(starts.map((s) => s.taskId)).size, TASKS);
  } finally {
    await removeTree(dir);
  }
});
