/**
 * The live event stream with real processes: a run's changes as they
 * happen, a cut connection resumed with Last-Event-ID (nothing lost, nothing
 * twice), a graph that grows while it runs, two hubs on one database, and a
 * hub that stops with streams open.
 */
import assert from "node:assert/strict";
import type { HubEvent } from "../shared/api_schemas_events.ts";
import { tapEvents } from "../testing/event_tap.ts";
import { readDatabase } from "../testing/read_database.ts";
import { startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";

/** The ids of every event of run `runId` in the database: its own, and its tasks'. */
function runEventIds(dbUrl: string, runId: string): Promise<number[]> {
  return readDatabase(dbUrl, async (query) =>
    (await query<{ id: number }>(
      `WITH RECURSIVE sub(id) AS (
        SELECT root_task_id FROM runs WHERE id = ?
        UNION SELECT e.dep_id FROM edges e JOIN sub ON e.task_id = sub.id)
      SELECT id FROM events WHERE run_id = ?
        OR (run_id IS NULL AND kind IN ('task.created', 'task.state', 'lease.expired')
          AND task_id IN (SELECT id FROM sub))
      ORDER BY id`,
      [runId, runId],
    )).map((r) => Number(r.id)));
}

const runEnded = (runId: string) => (e: HubEvent) =>
  e.kind === "run.state" && e.runId === runId && e.data.to !== "running";

Deno.test("a run's changes stream live; a cut connection resumed with Last-Event-ID loses none and repeats none", async () => {
  await using c = await startCluster({
    name: "events",
    workerEntry: "tests/fixtures/worker.ts",
    workers: [{ name: "w", slots: 2 }],
    checkInvariants: true,
  });
  const { runId } = await c.api.submit("SleepAll", { group: "ev", n: 8, ms: 150 });
  const openedAt = Date.now();
  const first = await tapEvents(c.hub.url, c.adminToken, { query: `run=${runId}&after=0` });
  await first.waitFor(
    (e) => e.kind === "task.state" && e.data.family === "Sleep" && e.data.to === "done",
    20_000,
    "a first Sleep done",
  );
  await first.close();
  const cutAfter = first.lastEventId();
  assert.ok(first.events.some((e) => e.at > openedAt), "some arrived after the stream opened");
  assert.equal((await waitForRun(c.api, runId)).state, "done", "it ends while nobody listens");

  const second = await tapEvents(c.hub.url, c.adminToken, {
    query: `run=${runId}`,
    lastEventId: cutAfter,
  });
  await second.waitFor(runEnded(runId), 20_000, "the run's end");
  await second.close();
  assert.deepEqual(second.gaps, []);

  assert.ok(second.events.length > 0, "the resumed stream sends what was missed");
  assert.ok(second.events[0]!.id > Number(cutAfter));
  const received = [...first.events, ...second.events].map((e) => e.id);
  assert.ok(received.every((id, i) => i === 0 || id > received[i - 1]!), "ids increase: no repeat");
  assert.deepEqual(received, await runEventIds(c.dbUrl, runId), "every event of the run, once");
  const kinds = new Set([...first.events, ...second.events].map((e) => e.kind));
  assert.deepEqual([...kinds].sort(), ["run.created", "run.state", "task.created", "task.state"]);

  // A task found while running joins the run's graph: its events are the run's.
  const dynamic = await c.api.submit("Dynamic", { id: 1 });
  const tap = await tapEvents(c.hub.url, c.adminToken, { query: `run=${dynamic.runId}&after=0` });
  await tap.waitFor(runEnded(dynamic.runId), 20_000, "the dynamic run's end");
  await tap.close();
  const found = tap.events.filter((e) => e.data.family === "Sleep").map((e) => e.data.to);
  assert.deepEqual(found.at(0), "ready", "the requirement's creation");
  assert.deepEqual(found.at(-1), "done", "and its completion");
  assert.deepEqual(tap.events.map((e) => e.id), await runEventIds(c.dbUrl, dynamic.runId));
});

Deno.test("a client of hub A sees a completion that hub B accepted (one database)", async () => {
  await using c = await startCluster({
    name: "events-two-hubs",
    hubIds: ["hub-a", "hub-b"],
    workerEntry: "tests/fixtures/worker.ts",
    workers: [{ name: "on-b", hub: 1 }],
  });
  const [a] = c.hubs;
  const tap = await tapEvents(a!.url, c.adminToken, { query: "kind=task.state,worker.*" });
  const { taskId } = await a!.api.submit("Sleep", { group: "two-hubs", id: 1 });
  const done = await tap.waitFor(
    (e) => e.taskId === taskId && e.data.to === "done",
    20_000,
    `${taskId} done`,
  );
  await tap.close();
  const { workers } = await a!.api.get<{ workers: Array<{ id: string; hubId: string }> }>(
    "/api/workers",
  );
  assert.deepEqual(workers.map((w) => [w.id, w.hubId]), [[done.workerId, "hub-b"]]);
  assert.deepEqual(
    tap.events.filter((e) => e.taskId === taskId).map((e) => e.data.to),
    ["leased", "ready", "leased", "done"],
    "expanded, then run, all through hub B, all seen on hub A",
  );
});

Deno.test("a hub with open event streams stops at once and ends them cleanly", async () => {
  await using c = await startCluster({
    name: "events-stop",
    workerEntry: "tests/fixtures/worker.ts",
    workers: [],
  });
  const taps = await Promise.all(
    [undefined, "kind=run.*", "after=0"].map((query) =>
      tapEvents(c.hub.url, c.adminToken, { query })
    ),
  );
  const started = performance.now();
  const status = await c.hub.stop();
  assert.equal(status.code, 0, "it closed by itself: no SIGKILL");
  assert.ok(performance.now() - started < 8_000, "not held by the streams");
  await Promise.all(taps.map((t) => t.ended));
  await c.hub.waitFor((l) => l.msg === "hub stopped", 1_000);
});
