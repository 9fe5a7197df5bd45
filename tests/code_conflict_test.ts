/**
 * Two workers advertising one family and version with different code are
 * accepted (a rolling deploy runs two builds side by side for a while), and
 * the conflict is shown where people look: the hello's answer and both
 * workers' logs, the family registry (API and `drover families`), and the
 * task view.
 */
import assert from "node:assert/strict";
import { startCluster } from "../testing/start_cluster.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { drover } from "./fixtures/drover.ts";

interface Family {
  name: string;
  codeConflict: { message: string; workers: Array<{ name: string; fingerprint: string }> } | null;
}

Deno.test("a family run with different code by two workers is reported as a conflict", async () => {
  await using c = await startCluster({
    name: "code-conflict",
    workerEntry: "tests/fixtures/worker.ts",
    workers: [{ name: "tests" }],
  });
  const ours = c.worker("tests");
  // A second worker with the same code (a replica) is no conflict.
  await using _twin = await spawnWorker({
    hub: c.hub,
    entry: "tests/fixtures/worker.ts",
    name: "twin",
    dataDir: c.dataDir,
    stateDir: `${c.dir}/twin`,
  });
  const before = (await c.api.get<{ families: Family[] }>("/api/families")).families;
  assert.deepEqual(before.filter((f) => f.codeConflict !== null), [], "replicas agree");
  await using rival = await spawnWorker({
    hub: c.hub,
    entry: "worker/main.ts",
    name: "rival",
    dataDir: c.dataDir,
    stateDir: `${c.dir}/rival`,
    env: { DROVER_TASK_MODULES: "./tests/fixtures/rival_tasks.ts" },
  });
  const conflictLine = (l: Record<string, unknown>) =>
    l.msg === "hub reported an error" && l.code === "family_code_conflict";
  const told = await rival.waitFor(conflictLine, 10_000, "the conflict in the hello's answer");
  assert.match(
    String(told.message),
    /^Task family Sleep version 1 runs different code on connected workers "rival" \(([0-9a-f]{16})\), "tests" \(([0-9a-f]{16})\), "twin" \(\2\): each task of it goes to any of them\./,
  );
  const toldToo = await ours.waitFor(conflictLine, 10_000, "the conflict, told to the other side");
  assert.equal(toldToo.message, told.message);

  const families = (await c.api.get<{ families: Family[] }>("/api/families")).families;
  const sleep = families.find((f) => f.name === "Sleep")!;
  assert.deepEqual(sleep.codeConflict?.workers.map((w) => w.name), ["rival", "tests", "twin"]);
  const [theirs, mine, twins] = sleep.codeConflict!.workers.map((w) => w.fingerprint);
  assert.notEqual(theirs, mine);
  assert.equal(mine, twins, "the same code gives the same fingerprint in another process");
  assert.equal(
    families.filter((f) => f.codeConflict !== null).map((f) => f.name).join(),
    "Sleep",
    "families only the test worker runs are not in conflict",
  );

  const listed = await drover(c.hub, ["families"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^Sleep \(CONFLICT\)\s+1 /m);
  assert.ok(listed.stdout.includes(`CONFLICT: ${told.message}`), listed.stdout);

  const { runId, taskId } = await c.api.submit("Sleep", { group: "conflict", id: 1 });
  assert.equal((await waitForRun(c.api, runId)).state, "done");
  const task = await c.api.get<{ codeConflict: string | null }>(`/api/tasks/${taskId}`);
  assert.match(
    task.codeConflict ?? "",
    /Its last attempt ran on "(rival|tests|twin)" \([0-9a-f]{16}\)\.$/,
  );
});
