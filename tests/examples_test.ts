/**
 * End to end: versioned outputs of the seed example (`ExtractRaw` in
 * `examples/tasks.ts`), with a real hub and a real worker.
 */
import assert from "node:assert/strict";
import { readOutput } from "../testing/read_output.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { runAttempts, startExampleCluster, taskView } from "./fixtures/example_cluster.ts";

Deno.test("ExtractRaw writes one versioned file per date, and a resubmitted date runs nothing", async () => {
  await using cluster = await startExampleCluster("versioned");
  const published = (taskId: string) =>
    cluster.hub.lines.filter((l) => l.msg === "task published" && l.taskId === taskId).length;

  const first = await cluster.api.submit("ExtractRaw", { runDate: "2026-11-23" });
  const second = await cluster.api.submit("ExtractRaw", { runDate: "2026-11-24" });
  assert.notEqual(first.taskId, second.taskId);
  for (const s of [first, second]) {
    const run = await waitForRun(cluster.api, s.runId, { timeoutMs: 30_000 });
    assert.equal(run.state, "done", JSON.stringify(run));
  }
  // Done is the hub's word; the worker renames the staged file into place
  // when it hears it, a moment later: read each output first, then list.
  const outputs = new Map<string, string>();
  for (const runDate of ["2026-11-23", "2026-11-24"]) {
    outputs.set(runDate, await readOutput(`${cluster.dataDir}/raw/v1/${runDate}.json`));
  }
  const files = [];
  for await (const e of Deno.readDir(`${cluster.dataDir}/raw/v1`)) files.push(e.name);
  assert.deepEqual(files.sort(), ["2026-11-23.json", "2026-11-24.json"]);
  for (const [s, runDate] of [[first, "2026-11-23"], [second, "2026-11-24"]] as const) {
    const raw = JSON.parse(outputs.get(runDate)!);
    assert.equal(raw.runDate, runDate);
    assert.equal(raw.extractedBy, s.taskId);
    // The run shows done as soon as the hub wrote it; the log line may still be in the pipe.
    await cluster.hub.waitFor((l) => l.msg === "task published" && l.taskId === s.taskId);
    assert.equal(published(s.taskId), 1);
  }

  const again = await cluster.api.submit("ExtractRaw", { runDate: "2026-11-23" });
  assert.equal(again.taskId, first.taskId, "same family, version and params: same task");
  assert.equal(again.rootState, "done", "the run is done as soon as it is submitted");
  const run = await waitForRun(cluster.api, again.runId, { timeoutMs: 30_000 });
  assert.equal(run.state, "done");
  assert.deepEqual(run.counts, { done: 1 });
  assert.equal(published(first.taskId), 1, "no new publication for the resubmitted date");
  const task = await taskView(cluster.api, first.taskId);
  assert.equal(runAttempts(task).length, 1, "ran once in all");
});
