/**
 * Task logs end to end, with a real hub, real worker processes and the real
 * `drover` CLI: what tasks wrote with `ctx.log` is on the hub, per attempt,
 * after their worker was SIGKILLed.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../testing/poll_until.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { drover } from "./fixtures/drover.ts";
import { testDbUrl } from "../testing/postgres.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** What `drover logs` prints after the time column: `#attempt  level  message  fields`. */
const withoutTime = (stdout: string) =>
  stdout.trimEnd().split("\n").map((line) => line.replace(/^\S+ \S+Z {2}/, ""));

Deno.test("a task that logs 10 lines and fails twice shows them with attempt numbers after its worker was SIGKILLed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-logs-" });
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
  const worker = await spawnWorker({
    hub,
    entry: "tests/fixtures/log_worker.ts",
    dataDir: `${dir}/data`,
    stateDir: `${dir}/worker`,
  });
  const { runId, taskId } = await hub.api.submit("LogThenFail", { id: "a", lines: 10 });
  const run = await waitForRun(hub.api, runId, { timeoutMs: 30_000 });
  assert.equal(run.state, "failed");

  worker.kill("SIGKILL");
  const status = await worker.stop();
  assert.equal(status.signal, "SIGKILL");

  const logs = await drover(hub, ["logs", taskId]);
  assert.equal(logs.code, 0, logs.stderr);
  const expected = [1, 2].flatMap((attempt) =>
    Array.from(
      { length: 10 },
      (_, i) => `#${attempt}  info   step ${i + 1} of 10  step=${i + 1} table=orders`,
    )
  );
  assert.deepEqual(withoutTime(logs.stdout), expected);

  const second = await drover(hub, ["logs", taskId, "--attempt", "2", "--json"]);
  assert.equal(second.code, 0, second.stderr);
  const lines = second.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 10);
  assert.ok(lines.every((l) => l.attempt === 2 && l.dropped === 0 && l.workerId));
  assert.deepEqual(lines[0].fields, { step: 1, table: "orders" });

  // The task is over: --follow prints everything and returns.
  const followed = await drover(hub, ["logs", taskId, "--follow"]);
  assert.equal(followed.code, 0, followed.stderr);
  assert.deepEqual(withoutTime(followed.stdout), expected);
  assert.equal(followed.stderr, `Task ${taskId} is failed.\n`);

  await hub.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a worker SIGKILLed mid-attempt leaves the lines that reached the hub; a follower sees them and the end", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-logs-kill-" });
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir), leaseTtlMs: 1_000 });
  const worker = await spawnWorker({
    hub,
    entry: "tests/fixtures/log_worker.ts",
    dataDir: `${dir}/data`,
    stateDir: `${dir}/worker`,
  });
  const { taskId } = await hub.api.submit("LogThenHang", { id: "b", lines: 5 });
  await using follower = followLogs(hub, taskId);
  // The batch timer ships the lines while the task hangs.
  await follower.waitForLines(5);

  worker.kill("SIGKILL");
  await worker.stop();
  await hub.waitFor((l) => l.msg === "lease expired" && l.taskId === taskId, 10_000);

  const logs = await drover(hub, ["logs", taskId]);
  assert.equal(logs.code, 0, logs.stderr);
  const expected = [1, 2, 3, 4, 5].map((i) => `#1  warn   before the hang ${i}  i=${i}`);
  assert.deepEqual(withoutTime(logs.stdout), expected);

  const cancelled = await hub.api.request(`/api/tasks/${taskId}/cancel`, { body: {} });
  assert.equal(cancelled.status, 200);
  const followed = await follower.done;
  assert.equal(followed.code, 0, followed.stderr);
  assert.deepEqual(withoutTime(followed.stdout), expected);
  assert.equal(followed.stderr, `Task ${taskId} is cancelled.\n`);

  await hub.stop();
  await Deno.remove(dir, { recursive: true });
});

/** `drover logs TASK_ID --follow` running in the background, its output read as it comes. */
function followLogs(hub: { url: string; adminToken: string }, taskId: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", "logs", taskId, "--follow"],
    cwd: ROOT,
    env: { DROVER_URL: hub.url, DROVER_TOKEN: hub.adminToken, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  const reading = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) stdout += chunk;
  })();
  const stderr = new Response(child.stderr).text();
  const done = (async () => {
    const status = await child.status;
    await reading;
    return { code: status.code, stdout, stderr: await stderr };
  })();
  return {
    done,
    waitForLines: (n: number) =>
      pollUntil(
        () => `${n} lines from drover logs --follow; so far: ${JSON.stringify(stdout)}`,
        () => stdout.split("\n").length > n ? true : undefined,
        { timeoutMs: 30_000 },
      ),
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      await done;
    },
  };
}
