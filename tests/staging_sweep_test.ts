import assert from "node:assert/strict";
import { readOutput } from "../testing/read_output.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { testDbUrl } from "../testing/postgres.ts";

/** Staging files under `dir` (a `LocalTarget` stages next to the final file). */
async function stagingFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      if (entry.isDirectory) await walk(`${path}/${entry.name}`);
      else if (entry.name.includes(".staging-")) found.push(`${path}/${entry.name}`);
    }
  };
  await walk(dir);
  return found;
}

Deno.test("a worker restarted after SIGKILL sweeps the staging file its killed attempt left", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-sweep-" });
  const dataDir = `${dir}/data`;
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir), leaseTtlMs: 1_000 });
  const worker = {
    hub,
    entry: "worker/main.ts",
    name: "sweeper",
    slots: 1,
    dataDir,
    stateDir: `${dir}/state`,
    env: { DROVER_TASK_MODULES: "./tests/fixtures/staging_tasks.ts" },
  };
  await using doomed = await spawnWorker(worker);
  const body = await hub.api.submit("StageThenHang", { id: 1 });
  await doomed.waitFor((l) => l.msg === "output staged; hanging" && l.taskId === body.taskId);
  const [left, ...more] = await stagingFiles(dataDir);
  assert.ok(left !== undefined && more.length === 0, "one staging file before the kill");
  doomed.kill("SIGKILL");
  await doomed.stop();
  assert.deepEqual(await stagingFiles(dataDir), [left], "SIGKILL leaves the staging file");

  await using restarted = await spawnWorker(worker);
  const swept = await restarted.waitFor((l) => l.msg === "swept staged outputs of killed attempts");
  assert.equal(swept.count, 1);
  assert.equal((await waitForRun(hub.api, body.runId, { timeoutMs: 20_000 })).state, "done");
  const output = JSON.parse(await readOutput(`${dataDir}/stage-then-hang/1.json`));
  assert.equal(output.attempt, 2);
  assert.deepEqual(await stagingFiles(dataDir), [], "no staging file is left");

  await restarted.stop();
  await hub.stop();
  await Deno.remove(dir, { recursive: true });
});
