/**
 * The edge fleet with real processes: regional pins, spill-over, visible
 * starvation, per-task pins, and draining a worker.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../testing/poll_until.ts";
import { startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { drover } from "./fixtures/drover.ts";
import { openGate, readStarts } from "./fixtures/tasks.ts";

interface Attempt {
  kind: string;
  workerName: string;
  workerLabels: Record<string, string>;
  region: string | null;
  startedAt: number;
  outcome: string | null;
}

async function fleet(
  name: string,
  workers: Array<{ name: string; region: string; slots?: number }>,
) {
  const c = await startCluster({
    name,
    hub: { leaseTtlMs: 5_000 },
    workerEntry: "tests/fixtures/worker.ts",
    workers: workers.map((w) => ({
      name: w.name,
      slots: w.slots ?? 1,
      labels: `region=${w.region}`,
    })),
    // Disposing it fails if the invariant checker is not clean.
    checkInvariants: true,
  });
  return Object.assign(c, {
    submit: (family: string, params: Record<string, unknown>, extra = {}) =>
      c.api.submit(family, params, extra),
    attempts: async (taskId: string) =>
      (await c.api.get<{ attempts: Attempt[] }>(`/api/tasks/${taskId}`)).attempts,
  });
}

Deno.test("a task pinned to eu-west waits for the busy eu-west worker; a run that allows spill-over moves on", async () => {
  await using f = await fleet("spill", [{ name: "eu", region: "eu-west" }, {
    name: "us",
    region: "us-east",
  }]);
  const hold = await f.submit("Gate", { id: "busy" }, { pin: { region: "eu-west" } });
  await f.worker("eu").waitFor((l) => l.msg === "task started" && l.taskId === hold.taskId);

  const strict = await f.submit("Sleep", { group: "strict", id: 1 }, {
    pin: { region: "eu-west" },
  });
  const spill = await f.submit("Sleep", { group: "spill", id: 2 }, {
    prefer: { label: "region", values: ["eu-west", "us-east"], spillAfterMs: 800 },
  });
  assert.equal((await waitForRun(f.api, spill.runId, { timeoutMs: 15_000 })).state, "done");
  const spilled = (await f.attempts(spill.taskId)).filter((a) => a.outcome !== null);
  assert.ok(spilled.every((a) => a.workerName === "us"), "the spilled task ran on us-east");
  const task = (await f.api.request<{ createdAt: number }>(`/api/tasks/${spill.taskId}`)).body;
  assert.ok(spilled[0]!.startedAt - task.createdAt >= 800, "only after the spill-over delay");

  // The strict one never went to the idle us-east worker.
  const waiting = (await f.api.request<{ state: string; unschedulable: string | null }>(
    `/api/tasks/${strict.taskId}`,
  ))
    .body;
  assert.equal(waiting.state, "ready");
  assert.equal(waiting.unschedulable, null, "a matching worker is connected, only busy");
  assert.equal((await readStarts(f.dataDir)).filter((s) => s.taskId === strict.taskId).length, 0);
  await openGate(f.dataDir, "busy");
  assert.equal((await waitForRun(f.api, strict.runId)).state, "done");
  assert.ok((await f.attempts(strict.taskId)).every((a) => a.workerName === "eu"));
});

Deno.test("a ready task no connected worker can take says why, and the queue shows it per region", async () => {
  await using f = await fleet("starve", [{ name: "eu", region: "eu-west" }]);
  const { taskId } = await f.submit("Sleep", { group: "s", id: 1 }, {
    pin: { region: "ap-south" },
  });
  const task =
    (await f.api.request<{ state: string; unschedulable: string }>(`/api/tasks/${taskId}`)).body;
  assert.equal(task.state, "ready");
  assert.equal(task.unschedulable, "no connected worker running Sleep matches region=ap-south");
  const queue = (await f.api.request<
    {
      regions: Array<{ region: string; ready: number }>;
      queues: Array<{ region: string; unschedulable: string | null }>;
    }
  >("/api/queue")).body;
  assert.deepEqual(queue.regions.find((r) => r.region === "ap-south"), {
    region: "ap-south",
    ready: 1,
  });
  assert.match(
    String(queue.queues.find((q) => q.region === "ap-south")?.unschedulable),
    /ap-south/,
  );
});

Deno.test("a task pinned by its own parameters runs only in its region, whoever expanded it first", async () => {
  await using f = await fleet("param-pin", [{ name: "eu", region: "eu-west" }, {
    name: "us",
    region: "us-east",
  }]);
  for (const id of [1, 2, 3]) {
    const { runId, taskId } = await f.submit("RegionalSleep", { region: "us-east", id });
    assert.equal((await waitForRun(f.api, runId)).state, "done");
    const attempts = await f.attempts(taskId);
    const run = attempts.filter((a) => a.kind === "run");
    assert.deepEqual(run.map((a) => a.workerLabels.region), ["us-east"]);
    assert.deepEqual(run.map((a) => a.region), ["us-east"], "the API names each attempt's region");
    // An eu-west worker that got the expansion handed it back rather than expand it.
    for (const a of attempts.filter((a) => a.kind === "expand" && a.workerName === "eu")) {
      assert.equal(a.outcome, "released");
    }
  }
});

Deno.test("draining a worker with a running task loses nothing and reruns nothing, then it exits", async () => {
  await using f = await fleet("drain", [{ name: "d", region: "eu-west", slots: 2 }, {
    name: "other",
    region: "eu-west",
  }]);
  const workers =
    (await f.api.request<{ workers: Array<{ id: string; name: string }> }>("/api/workers")).body
      .workers;
  const d = workers.find((w) => w.name === "d")!;
  // Both workers are in eu-west: "other" is cordoned until "d" holds the gate, which
  // would otherwise go to whichever worker the hub happens to list first.
  const other = workers.find((w) => w.name === "other")!;
  const mode = (id: string, m: string) =>
    f.api.request(`/api/workers/${id}/${m}`, { method: "POST", body: {} });
  assert.equal((await mode(other.id, "cordon")).status, 200);
  const gate = await f.submit("Gate", { id: "drain" }, { pin: { region: "eu-west" } });
  await f.worker("d").waitFor((l) => l.msg === "task started" && l.taskId === gate.taskId, 15_000);
  assert.equal((await mode(other.id, "uncordon")).status, 200);
  assert.equal((await mode(d.id, "drain")).status, 200);
  const listed = (await f.api.request<
    { workers: Array<{ id: string; cordoned: boolean; draining: boolean; leases: number }> }
  >("/api/workers")).body.workers.find((w) => w.id === d.id)!;
  assert.deepEqual([listed.cordoned, listed.draining, listed.leases], [true, true, 1]);

  // Cordoned: new work goes to the other worker only.
  const after = await f.submit("Sleep", { group: "after", id: 1 });
  assert.equal((await waitForRun(f.api, after.runId)).state, "done");
  assert.ok((await f.attempts(after.taskId)).every((a) => a.workerName === "other"));

  await openGate(f.dataDir, "drain");
  assert.equal((await waitForRun(f.api, gate.runId)).state, "done");
  // Wait for it to exit by itself, then for its last log lines to be read.
  const status = await f.worker("d").child.status;
  await f.worker("d").stop();
  assert.equal(status.code, 0, "the drained worker stopped by itself");
  assert.ok(f.worker("d").lines.some((l) => l.msg === "drained by the hub: stopping"));
  const starts = (await readStarts(f.dataDir)).filter((s) => s.taskId === gate.taskId);
  assert.equal(starts.length, 1, "the running task finished where it was; nothing ran twice");
});

Deno.test("drover cordon, workers and uncordon work on a worker by name", async () => {
  await using f = await fleet("cli-cordon", [{ name: "edge-1", region: "eu-west" }]);
  const cordon = await drover(f.hub, ["cordon", "edge-1"]);
  assert.equal(cordon.code, 0, cordon.stderr);
  assert.match(cordon.stdout, /cordoned: it takes no new leases/);
  assert.match((await drover(f.hub, ["workers"])).stdout, /connected, cordoned/);
  const { taskId } = await f.submit("Sleep", { group: "c", id: 1 });
  const waiting = (await f.api.request<{ unschedulable: string }>(`/api/tasks/${taskId}`)).body;
  assert.equal(waiting.unschedulable, "every connected worker is cordoned");
  assert.equal((await drover(f.hub, ["uncordon", "edge-1"])).code, 0);
  const unknown = await drover(f.hub, ["drain", "nobody"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /No worker is named "nobody"/);
});

Deno.test("pausing a region lets its running task finish and starts nothing new there until resumed", async () => {
  await using f = await fleet("pause", [{ name: "eu", region: "eu-west", slots: 2 }, {
    name: "us",
    region: "us-east",
  }]);
  const running = await f.submit("Gate", { id: "paused" }, { pin: { region: "eu-west" } });
  await f.worker("eu").waitFor((l) => l.msg === "task started" && l.taskId === running.taskId);
  const paused = await f.api.request("/api/pauses/region/eu-west", {
    method: "PUT",
    body: { reason: "maintenance" },
  });
  assert.equal(paused.status, 200, JSON.stringify(paused.body));

  // New eu-west work waits and says why; us-east work goes on.
  const held = await f.submit("RegionalSleep", { region: "eu-west", id: 7 });
  const other = await f.submit("RegionalSleep", { region: "us-east", id: 8 });
  assert.equal((await waitForRun(f.api, other.runId)).state, "done");
  // The running task finishes where it is, once, while the region is paused.
  await openGate(f.dataDir, "paused");
  assert.equal((await waitForRun(f.api, running.runId)).state, "done");
  const starts = (await readStarts(f.dataDir)).filter((s) => s.taskId === running.taskId);
  assert.equal(starts.length, 1);
  // The held task stays ready and, once the hub has seen it, names the pause.
  const task = await pollUntil("the held task to name the pause", async () => {
    const res = await f.api.request<{ state: string; unschedulable: string | null }>(
      `/api/tasks/${held.taskId}`,
    );
    return res.body.unschedulable ? res : undefined;
  }, { timeoutMs: 15_000 });
  assert.equal(task.body.state, "ready");
  assert.match(task.body.unschedulable ?? "", /paused region \(eu-west\)/);
  assert.equal(
    (await f.attempts(held.taskId)).filter((a) => a.kind === "run").length,
    0,
    "nothing ran in the paused region",
  );

  const resumed = await f.api.request("/api/pauses/region/eu-west", { method: "DELETE" });
  assert.equal(resumed.status, 200);
  assert.equal((await waitForRun(f.api, held.runId)).state, "done");
  assert.deepEqual(
    (await f.attempts(held.taskId)).filter((a) => a.kind === "run").map((a) => a.workerName),
    ["eu"],
  );
});

Deno.test("a run pinned to a region runs every task of it there, three levels down, not only its root", async () => {
  await using f = await fleet("pin-tree", [
    { name: "eu", region: "eu-west", slots: 2 },
    { name: "us", region: "us-east", slots: 2 },
  ]);
  const { runId } = await f.submit("TreeRoot", { group: "pinned" }, {
    pin: { region: "eu-west" },
  });
  assert.equal((await waitForRun(f.api, runId, { timeoutMs: 20_000 })).state, "done");
  const { tasks } = await f.api.get<{ tasks: Array<{ id: string; family: string; pin: unknown }> }>(
    `/api/tasks?run=${runId}`,
  );
  assert.deepEqual(
    tasks.map((t) => t.family).sort(),
    ["TreeBranch", "TreeBranch", "TreeLeaf", "TreeLeaf", "TreeLeaf", "TreeLeaf", "TreeRoot"],
  );
  for (const task of tasks) {
    assert.deepEqual(task.pin, { region: "eu-west" }, `${task.id} carries the run's pin`);
    const attempts = await f.attempts(task.id);
    assert.ok(attempts.length > 0, `${task.id} has attempts`);
    for (const a of attempts) {
      assert.equal(a.region, "eu-west", `${task.id}: ${a.kind} ran on ${a.workerName}`);
    }
  }
});
