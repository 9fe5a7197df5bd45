import assert from "node:assert/strict";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { generateToken } from "../shared/token_format.ts";
import { drover } from "./fixtures/drover.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

/** The one line an expected failure prints on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  return lines[0]!;
}

/** A port nothing listens on: bound, then released. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

Deno.test("the drover CLI submits, follows and inspects runs on a real hub and worker", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-cli-" });
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    await using _worker = await spawnWorker({
      hub,
      dataDir: `${dir}/data`,
      stateDir: `${dir}/worker`,
    });
    let runId = "";

    await t.step("submit --wait exits 0 once the run is done and says so", async () => {
      const result = await drover(hub, [
        "submit",
        "AggregateShards",
        "--param",
        "totalShards=3",
        "--wait",
      ]);
      assert.equal(result.code, 0, result.stderr);
      runId = result.stdout.match(/^Submitted run (run_\w+)/m)?.[1] ?? "";
      assert.match(result.stdout, /^===== Drover execution summary =====$/m);
      assert.match(result.stdout, new RegExp(`^Run ${runId} done in \\S+ \\(4 tasks\\):$`, "m"));
      assert.match(result.stdout, /^ {2}\* 4 completed$/m);
      assert.match(result.stdout, /^This run succeeded\.$/m);
      assert.doesNotMatch(result.stderr, /error/);
    });

    await t.step("submit --wait --json prints the final run status as JSON, alone", async () => {
      const result = await drover(hub, [
        "submit",
        "AggregateShards",
        "-p",
        "totalShards=4",
        "--wait",
        "--json",
      ]);
      assert.equal(result.code, 0, result.stderr);
      const run = JSON.parse(result.stdout);
      assert.equal(run.state, "done");
      assert.equal(run.total, 5);
      assert.deepEqual(run.counts, { done: 5 });
      assert.equal(result.stderr, "");
    });

    await t.step("submit without --wait prints the run id and the root task id", async () => {
      const result = await drover(hub, ["submit", "AggregateShards", "-p", "totalShards=3"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Submitted run run_\w+ \(root task AggregateShards_3_\w+, /);
    });

    await t.step(
      "a parameter that is not an integer exits 2, naming it, before submitting",
      async () => {
        const before = await hub.api.request<{ runs: unknown[] }>("/api/runs");
        const result = await drover(hub, [
          "submit",
          "AggregateShards",
          "--param",
          "totalShards=abc",
        ]);
        assert.equal(result.code, 2);
        assert.match(oneLine(result.stderr), /^error: .*"totalShards".*"abc"/);
        assert.equal(result.stdout, "");
        const after = await hub.api.request<{ runs: unknown[] }>("/api/runs");
        assert.equal(after.body.runs.length, before.body.runs.length);
      },
    );

    await t.step("an unknown family exits 4 with the hub's message and code", async () => {
      const result = await drover(hub, ["submit", "NoSuchFamily", "--param", "x=1"]);
      assert.equal(result.code, 4);
      assert.match(
        oneLine(result.stderr),
        /^error: Task family "NoSuchFamily" is not registered; known families: .*AggregateShards.* \(family_not_found\)$/,
      );
    });

    await t.step("a run that fails exits 1 and names the failing task", async () => {
      const result = await drover(hub, [
        "submit",
        "ProcessShard",
        "--param",
        "shardId=5",
        "--param",
        "totalShards=2",
        "--wait",
      ]);
      assert.equal(result.code, 1, result.stderr);
      const failed = await hub.api.request<{ tasks: Array<{ id: string }> }>(
        "/api/tasks?state=failed",
      );
      const [task] = failed.body.tasks;
      assert.ok(task, "the hub lists the failed task");
      assert.match(result.stdout, /^Run run_\w+ failed after \S+ \(1 task\):$/m);
      assert.match(
        result.stdout,
        new RegExp(`^ {2}\\* 1 failed: +${task.id} \\(RangeError: shardId 5 is not below`, "m"),
      );
      assert.match(result.stdout, /^This run failed: 1 task failed\.$/m);
      const lastLine = result.stderr.trimEnd().split("\n").at(-1)!;
      assert.match(lastLine, new RegExp(`^error: Run run_\\w+ failed: task ${task.id} failed`));
    });

    await t.step("the inspection commands show runs, tasks, workers and families", async () => {
      const status = await drover(hub, ["status", runId]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^State +done$/m);
      assert.match(status.stdout, /^Tasks +4: 4 done$/m);

      const runs = await drover(hub, ["runs", "--json"]);
      assert.equal(runs.code, 0, runs.stderr);
      assert.equal(JSON.parse(runs.stdout).runs.length, 4);

      const tasks = await drover(hub, ["tasks", "--run", runId]);
      assert.equal(tasks.code, 0, tasks.stderr);
      assert.match(tasks.stdout, /^TASK +FAMILY +STATE +ATTEMPT/);
      assert.equal(tasks.stdout.trimEnd().split("\n").length, 5);

      const rootId = tasks.stdout.match(/^AggregateShards_3_\w+/m)?.[0];
      assert.ok(rootId, tasks.stdout);
      const task = await drover(hub, ["task", rootId]);
      assert.equal(task.code, 0, task.stderr);
      assert.match(task.stdout, /^DEPENDENCY +STATE$/m);

      const workers = await drover(hub, ["workers"]);
      assert.match(workers.stdout, /^worker +w_\w+ +connected /m);

      const families = await drover(hub, ["families"]);
      assert.match(families.stdout, /^ProcessShard +1 +shardId:integer totalShards:integer /m);
    });

    await t.step("a status for a run that does not exist exits 4", async () => {
      const result = await drover(hub, ["status", "run_missing"]);
      assert.equal(result.code, 4);
      assert.equal(
        oneLine(result.stderr),
        'error: Run "run_missing" does not exist (run_not_found)',
      );
    });
  } finally {
    await removeTree(dir);
  }
});

Deno.test("the drover CLI exits 3 with one line when the hub cannot be reached", async (t) => {
  await t.step("on a port fetch refuses to use", async () => {
    const url = "http://127.0.0.1:9";
    const result = await drover({ url, adminToken: generateToken().token }, [
      "submit",
      "AggregateShards",
      "--param",
      "totalShards=3",
    ]);
    assert.equal(result.code, 3);
    assert.match(
      oneLine(result.stderr),
      /^error: Cannot reach the hub at http:\/\/127\.0\.0\.1:9: /,
    );
    assert.equal(result.stdout, "");
  });

  await t.step("on a port nothing listens on", async () => {
    const url = `http://127.0.0.1:${closedPort()}`;
    const result = await drover({ url, adminToken: generateToken().token }, ["runs"]);
    assert.equal(result.code, 3);
    assert.equal(
      oneLine(result.stderr),
      `error: Cannot reach the hub at ${url}: connection refused`,
    );
  });
});
