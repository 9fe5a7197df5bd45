/**
 * Failover: two hubs on a PostgreSQL primary with a hot standby, through a
 * multi-host URL. Mid-run the primary is SIGKILLed and the standby promoted
 * (what Patroni or CloudNativePG do), and the run completes on it.
 *
 * - Synchronous replication: no task is lost or published twice, and every
 *   completion a hub acknowledged, before the crash or after, is there once.
 * - Asynchronous replication, with the standby made to lag (its
 *   `primary_conninfo` emptied, so it receives no more WAL): completions acknowledged in the lag are lost and their tasks
 *   run again, yet the database holds one publication per task and the
 *   invariant checker is clean (README, "Failover").
 */
import assert from "node:assert/strict";
import { checkInvariantsAt } from "../hub/db/check_invariants.ts";
import { generateToken } from "../shared/token_format.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { readDatabase } from "../testing/read_database.ts";
import { type PostgresServer, startPostgres } from "../testing/postgres.ts";
import { startStandby } from "../testing/postgres_standby.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnCrossedWorkers } from "./fixtures/crossed_workers.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { readStarts } from "./fixtures/tasks.ts";

const TASKS = 60;

/** One SQL statement's rows on `server`. */
const query = <T>(server: PostgresServer, text: string) =>
  readDatabase(server.url, (q) => q<T>(text));

/** What a failover run shows. */
interface Outcome {
  /** Tasks a hub acknowledged before the primary was killed. */
  before: Set<string>;
  /** Tasks a hub acknowledged, over the whole run. */
  acknowledged: Set<string>;
  /** Publications per task on the promoted standby. */
  published: Map<string, number>;
  /** How many times each task was started. */
  starts: Map<string, number>;
}

/**
 * Runs `TASKS` sleeps on two hubs; once ten are acknowledged, `beforeCrash`
 * runs, the primary is SIGKILLed and the standby promoted; the run must end done, with the invariants clean.
 */
async function failover(
  synchronous: boolean,
  beforeCrash: (o: { standby: PostgresServer; acknowledged: () => Set<string> }) => Promise<void>,
): Promise<Outcome> {
  // fsync stays off (a process crash, not a power cut); commits wait for the standby if synchronous.
  await using primary = await startPostgres({
    name: "primary",
    settings: { synchronous_commit: "on" },
  });
  await using standby = await startStandby(primary, { name: "standby" });
  if (synchronous) {
    await query(primary, `ALTER SYSTEM SET synchronous_standby_names = '*'`);
    await query(primary, "SELECT pg_reload_conf()");
  }
  await pollUntil("the standby to stream", async () => {
    const rows = await query<{ sync_state: string }>(
      primary,
      "SELECT sync_state FROM pg_stat_replication",
    );
    return rows.some((r) => r.sync_state === (synchronous ? "sync" : "async")) || undefined;
  }, { timeoutMs: 30_000, everyMs: 100 });
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
    await using workers = await spawnCrossedWorkers(a, b, dir);
    const { w1, w2 } = workers;

    const { runId } = await a.api.submit("SleepAll", { n: TASKS, ms: 60 });
    await pollUntil("ten acknowledged completions", () => acknowledged().size >= 10 || undefined, {
      timeoutMs: 30_000,
    });
    await beforeCrash({ standby, acknowledged });
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

    assert.ok(before.size < TASKS, `${before.size} acknowledged before the crash`);
    assert.deepEqual(await checkInvariantsAt(standby.url), []);
    const rows = await query<{ task_id: string; n: number }>(
      standby,
      "SELECT t.id AS task_id, count(p.task_id)::int AS n FROM tasks t " +
        "LEFT JOIN publications p ON p.task_id = t.id GROUP BY t.id",
    );
    assert.equal(rows.length, TASKS + 1);
    const starts = new Map<string, number>();
    for (const s of await readStarts(`${dir}/data`)) {
      starts.set(s.taskId, (starts.get(s.taskId) ?? 0) + 1);
    }
    assert.equal(starts.size, TASKS);
    return {
      before,
      acknowledged: acknowledged(),
      published: new Map(rows.map((r) => [r.task_id, r.n])),
      starts,
    };
  } finally {
    await removeTree(dir);
  }
}

Deno.test("failover to a synchronous standby: the run completes and every acknowledged completion is there, once", async () => {
  const o = await failover(true, async () => {});
  for (const [id, n] of o.published) assert.equal(n, 1, `${id} published ${n} times`);
  for (const id of o.acknowledged) assert.equal(o.published.get(id), 1, `${id} acknowledged`);
});

Deno.test("failover to a lagging asynchronous standby: acknowledged completions are lost and run again, published once", async () => {
  let lagged = new Set<string>();
  const o = await failover(false, async ({ standby, acknowledged }) => {
    // The standby stops receiving WAL: what the primary acknowledges now, it never gets.
    await query(standby, "ALTER SYSTEM SET primary_conninfo = ''");
    await query(standby, "SELECT pg_reload_conf()");
    await pollUntil(
      "the standby's WAL receiver to stop",
      async () =>
        (await query(standby, "SELECT 1 FROM pg_stat_wal_receiver")).length === 0 || undefined,
    );
    const from = acknowledged();
    await pollUntil("five completions the standby lacks", () => {
      lagged = new Set([...acknowledged()].filter((id) => !from.has(id)));
      return lagged.size >= 5 || undefined;
    }, { timeoutMs: 30_000 });
  });
  // Every task is published once in the promoted database's history...
  for (const [id, n] of o.published) assert.equal(n, 1, `${id} published ${n} times`);
  // ...but completions acknowledged during the lag were lost, and their tasks ran again.
  const ranAgain = [...lagged].filter((id) => (o.starts.get(id) ?? 0) > 1);
  assert.ok(ranAgain.length > 0, `none of ${lagged.size} lagged completions ran again`);
});
