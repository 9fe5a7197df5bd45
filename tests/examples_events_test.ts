/**
 * End to end: the contract-validation example (`examples/events.ts`), with a
 * real hub and a real worker over a temp data directory.
 */
import assert from "node:assert/strict";
import { readOutput } from "../testing/read_output.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { pollUntil } from "../testing/poll_until.ts";
import {
  runAttempts,
  runTasks,
  startExampleCluster,
  taskView,
} from "./fixtures/example_cluster.ts";

const SIX_HOURS_MS = 6 * 3_600_000;

function jsonLines(records: unknown[]): string {
  return records.map((r) => JSON.stringify(r) + "\n").join("");
}

async function writeEventFile(dataDir: string, day: string, records: unknown[]): Promise<void> {
  await Deno.mkdir(`${dataDir}/events`, { recursive: true });
  await Deno.writeTextFile(`${dataDir}/events/${day}.jsonl`, jsonLines(records));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

const GOOD_EVENTS = [
  { id: "e1", ts: "2026-11-23T08:15:00Z", user: { id: 1 }, kind: "view" },
  { id: "e2", ts: "2026-11-23T10:59:59+02:00", user: { id: 2 }, kind: "buy", amount: 12.5 },
  { id: "e3", ts: "2026-11-23T23:30:00-01:00", user: { id: 3 }, kind: "click" },
];

Deno.test("CleanEvents(day) over a valid event file writes one cleaned record per event, with its UTC hour", async () => {
  await using cluster = await startExampleCluster("events-good");
  const day = "2026-11-23";
  await writeEventFile(cluster.dataDir, day, GOOD_EVENTS);

  const submitted = await cluster.api.submit("CleanEvents", { day });
  const run = await waitForRun(cluster.api, submitted.runId, { timeoutMs: 30_000 });
  assert.equal(run.state, "done", JSON.stringify(run));
  assert.deepEqual(run.counts, { done: 2 }, "CleanEvents and the EventFile it found");

  const text = await readOutput(`${cluster.dataDir}/events_clean/v1/${day}.jsonl`);
  const clean = text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
  assert.deepEqual(clean, [
    { id: "e1", hour: "2026-11-23T08", userId: 1, kind: "view", amount: 0 },
    { id: "e2", hour: "2026-11-23T08", userId: 2, kind: "buy", amount: 12.5 },
    { id: "e3", hour: "2026-11-24T00", userId: 3, kind: "click", amount: 0 },
  ]);

  const task = await taskView(cluster.api, submitted.taskId);
  assert.equal(task.state, "done");
  assert.equal(task.status, "3 events");
  assert.deepEqual(runAttempts(task).map((a) => a.outcome), ["done"]);
});

Deno.test("GET /api/families/CleanEvents shows the reads and writes contracts as JSON Schemas", async () => {
  await using cluster = await startExampleCluster("events-family");
  const res = await cluster.api.request<
    { options: { contracts?: Record<string, Record<string, unknown>> } }
  >("/api/families/CleanEvents");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const contracts = res.body.options.contracts;
  assert.ok(contracts, `no contracts in ${JSON.stringify(res.body.options)}`);
  for (const side of ["reads", "writes"] as const) {
    const schema: Record<string, unknown> | undefined = contracts[side];
    assert.equal(typeof schema, "object", `${side}: ${JSON.stringify(schema)}`);
    assert.equal(typeof schema!.properties, "object", `${side}: ${JSON.stringify(schema)}`);
  }
  const reads = contracts.reads!.properties as Record<string, unknown>;
  const writes = contracts.writes!.properties as Record<string, unknown>;
  assert.deepEqual(Object.keys(reads).sort(), ["amount", "id", "kind", "ts", "user"]);
  assert.deepEqual(Object.keys(writes).sort(), ["amount", "hour", "id", "kind", "userId"]);
});

Deno.test("CleanEvents(day) over a record that breaks the contract fails after one attempt, naming the line and field", async () => {
  await using cluster = await startExampleCluster("events-bad");
  const day = "2026-11-24";
  await writeEventFile(cluster.dataDir, day, [
    { id: "b1", ts: "2026-11-24T01:00:00Z", user: { id: 1 }, kind: "view" },
    { id: "b2", ts: "2026-11-24T02:00:00Z", user: { id: 2 }, kind: "click" },
    { id: "b3", ts: "2026-11-24T03:00:00Z", user: { id: "x" }, kind: "buy", amount: 1 },
    { id: "b4", ts: "2026-11-24T04:00:00Z", user: { id: 4 }, kind: "view" },
  ]);

  const submitted = await cluster.api.submit("CleanEvents", { day });
  const run = await waitForRun(cluster.api, submitted.runId, { timeoutMs: 30_000 });
  assert.equal(run.state, "failed", JSON.stringify(run));
  const failed = run.failed as Array<{ taskId: string; error: { message: string } }>;
  assert.deepEqual(failed.map((f) => f.taskId), [submitted.taskId]);
  assert.match(
    failed[0]!.error.message,
    /^Record on line 3 of 2026-11-24\.jsonl breaks its contract: user\.id: \S/,
  );

  const task = await taskView(cluster.api, submitted.taskId);
  assert.equal(task.state, "failed");
  assert.equal(task.lastError?.name, "PermanentError");
  assert.equal(task.lastError?.retryable, false);
  const attempts = runAttempts(task);
  assert.equal(attempts.length, 1, "a PermanentError is not retried");
  assert.equal(attempts[0]!.outcome, "failed");
  assert.match(attempts[0]!.error?.message ?? "", /line 3 of 2026-11-24\.jsonl.*user\.id/);
  assert.equal(await exists(`${cluster.dataDir}/events_clean/v1/${day}.jsonl`), false);
});

Deno.test("CleanEvents(day) waits for an EventFile that is not there yet, until its 6 h deadline", async (t) => {
  await using cluster = await startExampleCluster("events-external");

  await t.step(
    "the hub checks the missing file again, and the run completes once it is written",
    async () => {
      const day = "2026-11-25";
      const submitted = await cluster.api.submit("CleanEvents", { day });
      const tasks = await pollUntil("the run's tasks to be expanded", async () => {
        const tasks = await runTasks(cluster.api, submitted.runId);
        return tasks.some((x) => x.family === "EventFile") ? tasks : undefined;
      });
      const eventFileId = tasks.find((x) => x.family === "EventFile")!.id;

      const waiting = await pollUntil("EventFile to be checked", async () => {
        const task = await taskView(cluster.api, eventFileId);
        return (task.external?.checks ?? 0) >= 1 ? task : undefined;
      });
      assert.notEqual(waiting.state, "done");
      assert.notEqual(waiting.state, "failed");
      const root = await taskView(cluster.api, submitted.taskId);
      assert.equal(root.state, "waiting", "CleanEvents waits for its external input");
      assert.equal(runAttempts(root).length, 0, "and has not run");

      await writeEventFile(cluster.dataDir, day, [GOOD_EVENTS[0]]);
      const run = await waitForRun(cluster.api, submitted.runId, { timeoutMs: 30_000 });
      assert.equal(run.state, "done", JSON.stringify(run));
      const eventFile = await taskView(cluster.api, eventFileId);
      assert.equal(eventFile.state, "done");
      assert.equal(runAttempts(eventFile).length, 0, "an external task is never run");
      const clean = await readOutput(`${cluster.dataDir}/events_clean/v1/${day}.jsonl`);
      assert.equal(clean.split("\n").filter(Boolean).length, 1);
    },
  );

  await t.step(
    "the deadline of a missing EventFile is 6 h after it was first needed, and stays put",
    async () => {
      const day = "2026-11-26";
      const submitted = await cluster.api.submit("CleanEvents", { day });
      const tasks = await pollUntil("the run's tasks to be expanded", async () => {
        const tasks = await runTasks(cluster.api, submitted.runId);
        return tasks.some((x) => x.family === "EventFile") ? tasks : undefined;
      });
      const eventFileId = tasks.find((x) => x.family === "EventFile")!.id;
      const first = await pollUntil("EventFile to be checked", async () => {
        const task = await taskView(cluster.api, eventFileId);
        return (task.external?.checks ?? 0) >= 1 ? task : undefined;
      });
      const expected = first.createdAt + SIX_HOURS_MS;
      assert.ok(
        Math.abs(first.external!.deadlineAt - expected) < 5_000,
        `deadlineAt ${first.external!.deadlineAt} is not about createdAt ${first.createdAt} + 6 h`,
      );
      // The next check (200 ms later) must not push the deadline back.
      const later = await pollUntil("EventFile to be checked again", async () => {
        const task = await taskView(cluster.api, eventFileId);
        return (task.external?.checks ?? 0) >= 2 ? task : undefined;
      });
      assert.equal(later.external!.deadlineAt, first.external!.deadlineAt);
      assert.notEqual(later.state, "failed");
    },
  );
});
