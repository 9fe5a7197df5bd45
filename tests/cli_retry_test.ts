/**
 * `drover retry` and `drover cancel` against a real hub and worker, where a
 * task family named `run` makes task ids that start with `run_`: the CLI
 * asks the hub what an id names, or takes `--run` / `--task` for it.
 */
import assert from "node:assert/strict";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { drover } from "./fixtures/drover.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

/** The one line an expected failure prints on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  return lines[0]!;
}

Deno.test("drover retry and cancel tell a run from a task whose id starts with run_", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-cli-retry-" });
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    await using _worker = await spawnWorker({
      hub,
      entry: "worker/main.ts",
      env: { DROVER_TASK_MODULES: "./tests/fixtures/run_family.ts" },
      dataDir: `${dir}/data`,
      stateDir: `${dir}/worker`,
    });
    const cli = async (args: string[], code = 0) => {
      const result = await drover(hub, args);
      assert.equal(result.code, code, `drover ${args.join(" ")}: ${result.stderr}`);
      return result;
    };

    // Paused, the family's task stays ready until each step has looked at it.
    await cli(["pause", "family", "run", "--reason", "hold the task"]);
    const submitted = await cli(["submit", "run", "-p", "day=2026-11-23", "--json"]);
    const { runId, taskId } = JSON.parse(submitted.stdout) as { runId: string; taskId: string };
    assert.match(taskId, /^run_2026-11-23_\w+$/);

    await t.step("without a flag, an id the hub knows as a task is acted on as one", async () => {
      const cancelled = await cli(["cancel", taskId, "--reason", "wrong day"]);
      assert.equal(cancelled.stdout, `Cancelled task ${taskId}: it is cancelled now\n`);
      const retried = await cli(["retry", taskId]);
      assert.equal(retried.stdout, `Retried task ${taskId}: it is ready now\n`);
    });

    await t.step("--run says the id is a run, and the hub has no such run", async () => {
      const result = await cli(["retry", taskId, "--run"], 4);
      assert.equal(
        oneLine(result.stderr),
        `error: Run "${taskId}" does not exist (run_not_found)`,
      );
    });

    await t.step("mistakes are usage errors that change nothing", async () => {
      const both = await cli(["retry", taskId, "--run", "--task"], 2);
      assert.match(oneLine(both.stderr), /^error: Options "--run" and "--task" exclude each other/);
      const wait = await cli(["retry", taskId, "--wait"], 2);
      assert.equal(
        oneLine(wait.stderr),
        `error: Option "--wait" follows a run; "${taskId}" is a task`,
      );
      const missing = await cli(["cancel", "run_missing"], 4);
      assert.equal(
        oneLine(missing.stderr),
        'error: Task "run_missing" does not exist (task_not_found)',
      );
    });

    await t.step(
      "without a flag, a run id is acted on as a run; retry --wait follows it",
      async () => {
        const cancelled = await cli(["cancel", runId]);
        assert.equal(cancelled.stdout, `Cancelled run ${runId}: 1 unfinished task cancelled\n`);
        await cli(["resume", "family", "run"]);
        const retried = await cli(["retry", runId, "--wait"]);
        assert.match(
          retried.stdout,
          new RegExp(
            `^Retried run ${runId}: 1 task back in the queue \\(${taskId}\\), 0 unblocked$`,
            "m",
          ),
        );
        assert.match(retried.stdout, new RegExp(`^Run ${runId} done in \\S+ \\(1 task\\):$`, "m"));
        const status = await cli(["status", runId, "--json"]);
        assert.equal(JSON.parse(status.stdout).state, "done");
      },
    );

    await t.step("the audit log shows what the hub was asked to do, to what", async () => {
      const audit = await cli(["audit", "--json"]);
      const acted = (JSON.parse(audit.stdout).entries as Array<Record<string, unknown>>)
        .filter((e) => /^(run|task)\.(retry|cancel)$/.test(String(e.action)))
        .map((e) => [e.action, e.target, e.outcome])
        .reverse();
      assert.deepEqual(acted, [
        ["task.cancel", taskId, "ok"],
        ["task.retry", taskId, "ok"],
        ["run.retry", taskId, "failed"],
        ["run.cancel", runId, "ok"],
        ["run.retry", runId, "ok"],
      ]);
    });
  } finally {
    await removeTree(dir);
  }
});
