import assert from "node:assert/strict";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { testDbUrl } from "../testing/postgres.ts";

Deno.test("worker/main.ts runs the families of the modules named in DROVER_TASK_MODULES", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-worker-main-" });
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
  await using _worker = await spawnWorker({
    hub,
    entry: "worker/main.ts",
    dataDir: `${dir}/data`,
    stateDir: `${dir}/w`,
    env: { DROVER_TASK_MODULES: "./examples/tasks.ts" },
  });
  const { body } = await hub.api.request<{ runId: string }>("/api/runs", {
    body: { family: "AggregateShards", params: { totalShards: 2 } },
  });
  assert.equal((await waitForRun(hub.api, body.runId)).state, "done");
  // Stopped first: a hub still running writes its database files (a dispatch
  // tick every 500 ms) while the directory is being removed.
  await _worker.stop();
  await hub.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("worker/main.ts without DROVER_TASK_MODULES exits 2 saying what to set", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "worker/main.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    env: { DROVER_TASK_MODULES: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /Set DROVER_TASK_MODULES/);
});
