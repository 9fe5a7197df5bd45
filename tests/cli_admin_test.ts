/**
 * The operator's side of the CLI, run as a subprocess against a real hub and
 * worker: roles and refused tokens, retry and mark done, pauses, tokens and
 * the audit log.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../testing/poll_until.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { drover } from "./fixtures/drover.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

/** The one line an expected failure prints on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  return lines[0]!;
}

Deno.test("drover drives a hub as admin, operator and viewer", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-cli-admin-" });
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    await using _worker = await spawnWorker({
      hub,
      name: "edge-1",
      dataDir: `${dir}/data`,
      stateDir: `${dir}/worker`,
    });
    const tokenOf = async (role: string) => {
      const created = await drover(hub, ["token", "create", "--role", role, "--json"]);
      assert.equal(created.code, 0, created.stderr);
      return JSON.parse(created.stdout).token as string;
    };
    const viewer = await tokenOf("viewer");
    const operator = await tokenOf("operator");

    await t.step("a bad token, or none, is one line and exit 5", async () => {
      const bad = await drover(hub, ["runs"], 30_000, `drv_tok_0123456789ab_${"x".repeat(43)}`);
      assert.equal(bad.code, 5);
      assert.match(oneLine(bad.stderr), /^error: .*refused the token.*401/);
      const none = await drover(hub, ["runs"], 30_000, null);
      assert.equal(none.code, 5);
      assert.match(oneLine(none.stderr), /^error: .*requires a token.*DROVER_TOKEN/);
    });

    let failedRun = "";
    let failedTask = "";
    await t.step("an operator's failing run exits 1 with the summary", async () => {
      const result = await drover(
        hub,
        [
          "submit",
          "ProcessShard",
          "-p",
          "shardId=9",
          "-p",
          "totalShards=2",
          "--wait",
        ],
        30_000,
        operator,
      );
      assert.equal(result.code, 1, result.stderr);
      failedRun = result.stdout.match(/^Submitted run (run_\w+)/m)?.[1] ?? "";
      failedTask = result.stdout.match(/^ {2}\* 1 failed: +(ProcessShard_\w+)/m)?.[1] ?? "";
      assert.ok(failedRun && failedTask, result.stdout);
    });

    await t.step("a viewer reads everything and changes nothing", async () => {
      const runs = await drover(hub, ["runs", "--json"], 30_000, viewer);
      assert.equal(runs.code, 0, runs.stderr);
      assert.ok(JSON.parse(runs.stdout).runs.some((r: { runId: string }) => r.runId === failedRun));
      for (const args of [["cancel", failedRun], ["retry", failedRun], ["drain", "edge-1"]]) {
        const refused = await drover(hub, args, 30_000, viewer);
        assert.equal(refused.code, 5, `${args.join(" ")}: ${refused.stderr}`);
        assert.match(oneLine(refused.stderr), /403.*viewer/);
      }
      const audit = await drover(hub, ["audit", "--json"], 30_000, viewer);
      assert.equal(audit.code, 0, audit.stderr);
      const denied = JSON.parse(audit.stdout).entries.filter((e: { outcome: string }) =>
        e.outcome === "denied"
      );
      assert.deepEqual(denied.map((e: { action: string }) => e.action).sort(), [
        "run.cancel",
        "run.retry",
        "worker.drain",
      ]);
      const operatorAudit = await drover(hub, ["audit"], 30_000, operator);
      assert.equal(operatorAudit.code, 5, "operators do not read the audit log");
    });

    await t.step(
      "retry puts the failed task back; done marks it done and ends the run",
      async () => {
        const retried = await drover(hub, ["retry", failedRun, "--json"], 30_000, operator);
        assert.equal(retried.code, 0, retried.stderr);
        assert.deepEqual(JSON.parse(retried.stdout).retried, [failedTask]);
        // The example fails the same way again; wait until it has.
        await pollUntil("the retried task to fail again", async () => {
          const { body } = await hub.api.request<{ state: string; attempt: number }>(
            `/api/tasks/${failedTask}`,
          );
          return body.state === "failed" ? body : undefined;
        }, { timeoutMs: 15_000 });
        const done = await drover(
          hub,
          [
            "done",
            failedTask,
            "--reason",
            "shard 9 loaded by hand",
          ],
          30_000,
          operator,
        );
        assert.equal(done.code, 0, done.stderr);
        const status = await drover(hub, ["status", failedRun, "--json"]);
        assert.equal(JSON.parse(status.stdout).state, "done");
        const task = await hub.api.request<{ status: string; publication: { kind: string } }>(
          `/api/tasks/${failedTask}`,
        );
        assert.equal(task.body.publication.kind, "manual");
        assert.match(task.body.status, /shard 9 loaded by hand/);
      },
    );

    await t.step("a paused family starts nothing until resumed", async () => {
      const paused = await drover(
        hub,
        [
          "pause",
          "family",
          "AggregateShards",
          "--reason",
          "upstream late",
        ],
        30_000,
        operator,
      );
      assert.equal(paused.code, 0, paused.stderr);
      const listed = await drover(hub, ["pauses", "--json"]);
      assert.deepEqual(
        JSON.parse(listed.stdout).pauses.map((p: { kind: string; value: string }) => [
          p.kind,
          p.value,
        ]),
        [["family", "AggregateShards"]],
      );
      const submitted = await drover(hub, [
        "submit",
        "AggregateShards",
        "-p",
        "totalShards=6",
        "--json",
      ]);
      const { runId, taskId } = JSON.parse(submitted.stdout);
      const reason = await pollUntil("the hub to say the task is paused", async () => {
        const { body } = await hub.api.request<{ state: string; unschedulable: string | null }>(
          `/api/tasks/${taskId}`,
        );
        return body.unschedulable ?? undefined;
      }, { timeoutMs: 15_000 });
      assert.match(reason, /family AggregateShards is paused/);
      // A run of another family the worker runs, submitted after it, is done: had
      // the paused task been claimable, it would have been granted first (oldest first).
      const after = await hub.api.submit("ExtractRaw", { runDate: "2026-11-23" });
      assert.equal((await waitForRun(hub.api, after.runId)).state, "done");
      const { body: root } = await hub.api.request<{ state: string; attempts: unknown[] }>(
        `/api/tasks/${taskId}`,
      );
      assert.equal(root.state, "ready");
      assert.equal(root.attempts.length, 0, "no lease was granted while paused");
      const resumed = await drover(hub, ["resume", "family", "AggregateShards"]);
      assert.equal(resumed.code, 0, resumed.stderr);
      await pollUntil("the run to finish", async () => {
        const { body } = await hub.api.request<{ state: string }>(`/api/runs/${runId}`);
        return body.state === "done" ? body : undefined;
      }, { timeoutMs: 15_000 });
    });

    await t.step(
      "submit --pin sends the run's root task to the matching workers only",
      async () => {
        const result = await drover(hub, [
          "submit",
          "AggregateShards",
          "-p",
          "totalShards=2",
          "--pin",
          "region=nowhere",
          "--json",
        ]);
        assert.equal(result.code, 0, result.stderr);
        const { taskId } = JSON.parse(result.stdout);
        const reason = await pollUntil("the pin to show", async () => {
          const { body } = await hub.api.request<{ unschedulable: string | null }>(
            `/api/tasks/${taskId}`,
          );
          return body.unschedulable ?? undefined;
        }, { timeoutMs: 15_000 });
        assert.match(reason, /region=nowhere/);
      },
    );
  } finally {
    await removeTree(dir);
  }
});
