/**
 * `drover hub` and `drover worker` as real processes on loopback: they run
 * a pipeline together and stop cleanly on SIGTERM, like `deno task hub` and
 * `worker/main.ts`.
 */
import assert from "node:assert/strict";
import { createApiClient } from "../testing/api_client.ts";
import { createWorkerToken } from "../testing/create_worker_token.ts";
import { ProcessHandle } from "../testing/process_handle.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { generateToken } from "../shared/token_format.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Starts `drover COMMAND` with `env`, its stderr read as JSON log lines. */
function drover(command: "hub" | "worker", env: Record<string, string>): ProcessHandle {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", command],
    cwd: ROOT,
    env: { DROVER_LOG_LEVEL: "info", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  return new ProcessHandle(child, `drover ${command}`);
}

/** `drover COMMAND` run to its end, killed if it outlives `timeoutMs`. */
async function droverOutput(
  command: "hub" | "worker",
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", command],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("drover hub and drover worker run a pipeline and stop cleanly on SIGTERM", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-cli-launch-" });
  const processes: ProcessHandle[] = [];
  const adminToken = generateToken().token;
  try {
    const hub = drover("hub", {
      DROVER_HOST: "127.0.0.1",
      DROVER_PORT: "0",
      DROVER_DB_URL: `file:${dir}/hub.db`,
      DROVER_ADMIN_TOKEN: adminToken,
    });
    processes.push(hub);
    const listening = await hub.waitFor(
      (l) => l.msg === "hub listening",
      30_000,
      '"hub listening"',
    );
    const url = String(listening.url);
    const api = createApiClient(url, adminToken);

    await t.step("the hub listens on loopback and stores the preset admin token", async () => {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      await hub.waitFor((l) => l.msg === "admin token from DROVER_ADMIN_TOKEN stored", 5_000);
    });

    const worker = drover("worker", {
      DROVER_HUB_URL: url,
      DROVER_WORKER_TOKEN: await createWorkerToken(api, { name: "launched" }),
      DROVER_WORKER_NAME: "launched",
      DROVER_TASK_MODULES: "./examples/tasks.ts",
      DROVER_DATA_DIR: `${dir}/data`,
      DROVER_WORKER_STATE_DIR: `${dir}/worker`,
    });
    processes.push(worker);
    await worker.waitFor((l) => l.msg === "connected to the hub", 30_000, '"connected to the hub"');

    await t.step("a run submitted to the hub is done by the worker", async () => {
      const submitted = await api.request<{ runId: string }>("/api/runs", {
        body: { family: "AggregateShards", params: { totalShards: 2 } },
      });
      assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
      const run = await waitForRun(api, submitted.body.runId, { timeoutMs: 30_000 });
      assert.equal(run.state, "done", JSON.stringify(run));
    });

    await t.step("SIGTERM stops the worker, then the hub, each with exit code 0", async () => {
      assert.equal((await worker.stop()).code, 0);
      assert.equal((await hub.stop()).code, 0);
      assert.ok(hub.lines.some((l) => l.msg === "hub stopped"), "the hub logged its shutdown");
    });
  } finally {
    for (const p of processes.reverse()) await p.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("drover hub and drover worker exit 2 naming a bad variable", async (t) => {
  await t.step("hub: DROVER_PORT", async () => {
    const { code, stderr } = await droverOutput("hub", { DROVER_PORT: "eighty" });
    assert.equal(code, 2);
    assert.match(stderr, /DROVER_PORT/);
  });
  await t.step("worker: DROVER_TASK_MODULES", async () => {
    const { code, stderr } = await droverOutput("worker", { DROVER_TASK_MODULES: "" });
    assert.equal(code, 2);
    assert.match(stderr, /Set DROVER_TASK_MODULES/);
  });
});
