/**
 * End to end: the flaky-HTTP loader example (`examples/loader.ts`) against a
 * real HTTP server on loopback, with a real hub and a real worker.
 */
import assert from "node:assert/strict";
import { readOutput } from "../testing/read_output.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import {
  type AttemptView,
  runAttempts,
  startExampleCluster,
  taskView,
} from "./fixtures/example_cluster.ts";

/** An HTTP server on 127.0.0.1 that answers from a script of statuses, counting requests. */
interface ScriptedServer extends AsyncDisposable {
  readonly url: string;
  readonly requests: number;
}

/** Answers `statusFor(n)` to the n-th request (1-based): a JSON `body` on 200, text otherwise. */
function startServer(statusFor: (n: number) => number, body: string): ScriptedServer {
  const controller = new AbortController();
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen: () => {} },
    () => {
      const status = statusFor(++requests);
      return status === 200
        ? new Response(body, { headers: { "content-type": "application/json" } })
        : new Response(`scripted ${status}`, { status });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/doc.json`,
    get requests() {
      return requests;
    },
    async [Symbol.asyncDispose]() {
      controller.abort();
      await server.finished;
    },
  };
}

/** Gaps between consecutive attempt starts, in ms. */
function startGaps(attempts: AttemptView[]): number[] {
  return attempts.slice(1).map((a, i) => a.startedAt - attempts[i]!.startedAt);
}

Deno.test("LoadFromApi retries a flaky API with backoff and jitter", async (t) => {
  await using cluster = await startExampleCluster("loader");

  await t.step(
    "two 503 answers, then 200: done on the third attempt, not sooner than the backoff allows",
    async () => {
      const body = JSON.stringify({ rows: [1, 2, 3], source: "flaky" });
      await using server = startServer((n) => (n <= 2 ? 503 : 200), body);
      const submitted = await cluster.api.submit("LoadFromApi", { name: "flaky", url: server.url });
      const run = await waitForRun(cluster.api, submitted.runId, { timeoutMs: 30_000 });
      assert.equal(run.state, "done", JSON.stringify(run));
      assert.equal(await readOutput(`${cluster.dataDir}/loads/v1/flaky.json`), body);
      assert.equal(server.requests, 3);

      const task = await taskView(cluster.api, submitted.taskId);
      const attempts = runAttempts(task);
      assert.deepEqual(attempts.map((a) => a.outcome), ["failed", "failed", "done"]);
      assert.deepEqual(attempts.map((a) => a.attempt), [1, 2, 3]);
      assert.match(attempts[0]!.error?.message ?? "", /answered 503: scripted 503/);
      // baseDelayMs 100, doubling, jitter takes at most half: the hub never starts a retry sooner.
      const [gap1, gap2] = startGaps(attempts) as [number, number];
      assert.ok(gap1 >= 50, `the second attempt started ${gap1} ms after the first`);
      assert.ok(gap2 >= 100, `the third attempt started ${gap2} ms after the second`);
    },
  );

  await t.step(
    "always 503: fails after exactly 4 attempts, saying what the API answered",
    async () => {
      await using server = startServer(() => 503, "{}");
      const submitted = await cluster.api.submit("LoadFromApi", { name: "down", url: server.url });
      const run = await waitForRun(cluster.api, submitted.runId, { timeoutMs: 30_000 });
      assert.equal(run.state, "failed", JSON.stringify(run));
      assert.equal(server.requests, 4);
      const failed = run.failed as Array<{ taskId: string; error: { message: string } }>;
      assert.deepEqual(failed.map((f) => f.taskId), [submitted.taskId]);
      assert.match(failed[0]!.error.message, /answered 503/);

      const task = await taskView(cluster.api, submitted.taskId);
      assert.equal(task.state, "failed");
      assert.equal(task.maxAttempts, 4);
      const attempts = runAttempts(task);
      assert.deepEqual(attempts.map((a) => a.outcome), ["failed", "failed", "failed", "failed"]);
      const gaps = startGaps(attempts);
      [50, 100, 200].forEach((min, i) =>
        assert.ok(gaps[i]! >= min, `attempt ${i + 2} started ${gaps[i]} ms after attempt ${i + 1}`)
      );
      assert.equal(
        await Deno.stat(`${cluster.dataDir}/loads/v1/down.json`).then(() => true, () => false),
        false,
      );
    },
  );

  await t.step("404: fails after one attempt (a PermanentError is not retried)", async () => {
    await using server = startServer(() => 404, "{}");
    const submitted = await cluster.api.submit("LoadFromApi", { name: "missing", url: server.url });
    const run = await waitForRun(cluster.api, submitted.runId, { timeoutMs: 30_000 });
    assert.equal(run.state, "failed", JSON.stringify(run));
    assert.equal(server.requests, 1);
    const task = await taskView(cluster.api, submitted.taskId);
    assert.equal(task.lastError?.name, "PermanentError");
    assert.match(task.lastError?.message ?? "", /answered 404/);
    assert.deepEqual(runAttempts(task).map((a) => a.outcome), ["failed"]);
  });
});
