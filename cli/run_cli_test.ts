import assert from "node:assert/strict";
import type { RunStatus } from "../shared/api_schemas.ts";
import { fakeFamily, fakeRun, fakeTaskDetail } from "./fake_answers.ts";
import { type FakeRoute, inTurn, problem, runAgainst } from "./fake_hub.ts";
import { createMemoryIo } from "./io.ts";
import { runCli } from "./run_cli.ts";

const SHARD_SCHEMA = {
  type: "object",
  properties: { shardId: { type: "integer" }, totalShards: { type: "integer" } },
  required: ["shardId", "totalShards"],
};

const TASK = "ProcessShard_5_2_2d2e1bd7ed";

const FAMILY = fakeFamily({ name: "ProcessShard", paramsSchema: SHARD_SCHEMA });

function runStatus(state: RunStatus["state"], counts: Record<string, number>): RunStatus {
  return fakeRun({
    rootTaskId: TASK,
    family: "ProcessShard",
    params: { shardId: 5, totalShards: 2 },
    state,
    finishedAt: state === "running" ? null : 2500,
    total: 1,
    counts,
    failed: state === "failed"
      ? [{
        taskId: TASK,
        error: { name: "RangeError", message: "shardId 5 is not below totalShards 2" },
      }]
      : [],
  });
}

/** A scripted hub: the run answers each status in turn, then keeps the last. */
function hubRoutes(statuses: RunStatus[]): Record<string, FakeRoute> {
  return {
    "GET /api/families/ProcessShard": () => Response.json(FAMILY),
    "GET /api/families/Nope": () =>
      problem(404, "family_not_found", 'Task family "Nope" is not registered'),
    "GET /api/families": () => Response.json({ families: [FAMILY] }),
    "POST /api/runs": () =>
      Response.json({ runId: "run_1", taskId: TASK, rootState: "ready" }, { status: 201 }),
    "GET /api/runs/run_1": inTurn(...statuses),
    // A run of one task: its root is expanded (its next lease runs it).
    [`GET /api/tasks/${TASK}`]: () => Response.json(fakeTaskDetail({ id: TASK, next: "run" })),
  };
}

/** Runs the CLI against the scripted hub, with a fake clock that each poll pause advances. */
function cli(argv: string[], statuses = [runStatus("done", { done: 1 })]) {
  return runAgainst(argv, hubRoutes(statuses));
}

const SUBMIT = ["submit", "ProcessShard", "-p", "shardId=5", "-p", "totalShards=2"];

Deno.test("submit sends the parameters converted by the family's schema", async () => {
  const { code, stdout, requests } = await cli(SUBMIT);
  assert.equal(code, 0);
  assert.deepEqual(requests.find((r) => r.method === "POST")?.body, {
    family: "ProcessShard",
    version: 1,
    params: { shardId: 5, totalShards: 2 },
  });
  assert.match(stdout, new RegExp(`Submitted run run_1 \\(root task ${TASK}, ready\\)`));
});

Deno.test("submit --wait exits 1 when the run fails, naming the failed task", async (t) => {
  const hub = [
    runStatus("running", { ready: 1 }),
    ...Array.from({ length: 10 }, () => runStatus("running", { leased: 1 })),
    runStatus("failed", { failed: 1 }),
  ];
  const { code, stdout, stderr } = await cli([...SUBMIT, "--wait"], hub);

  await t.step("the exit code is 1", () => assert.equal(code, 1));
  await t.step("the execution summary on stdout names the failed task and its error", () => {
    assert.equal(
      stdout.slice(stdout.indexOf("=====")),
      [
        "===== Drover execution summary =====",
        // The run's own time, createdAt 0 to finishedAt 2500 (hub clock), as status says.
        "Run run_1 failed after 2.5s (1 task):",
        `  * 1 failed: ${TASK} (RangeError: shardId 5 is not below totalShards 2)`,
        "This run failed: 1 task failed.",
        "====================================",
        "",
      ].join("\n"),
    );
  });
  await t.step("stderr has progress lines at most once a second, then one error line", () => {
    const lines = stderr.trimEnd().split("\n");
    assert.deepEqual(lines.slice(0, -1), [
      "[----------] 0/1 done · 0 running · 0 failed · 0.0s",
      "[----------] 0/1 done · 1 running · 0 failed · 1.0s",
      "[----------] 0/1 done · 1 running · 0 failed · 2.0s",
    ]);
    assert.equal(
      lines.at(-1),
      `error: Run run_1 failed: task ${TASK} failed (RangeError: shardId 5 is not below totalShards 2)`,
    );
  });
});

Deno.test("submit --wait --json prints only the final run status on stdout", async () => {
  const hub = [runStatus("running", { leased: 1 }), runStatus("done", { done: 1 })];
  const { code, stdout, stderr } = await cli([...SUBMIT, "--wait", "--json"], hub);
  assert.equal(code, 0);
  assert.equal(JSON.parse(stdout).state, "done");
  assert.equal(stderr, "");
});

Deno.test("submit checks the parameters before anything is submitted", async () => {
  const { code, stderr, requests } = await cli(["submit", "ProcessShard", "-p", "shardId=x"]);
  assert.equal(code, 2);
  assert.equal(
    stderr,
    'error: Invalid parameter "shardId" for ProcessShard: expected an integer, got "x"\n',
  );
  assert.ok(requests.every((r) => r.method === "GET"));
});

Deno.test("submit of an unknown family exits 4 and lists the known families", async () => {
  const { code, stderr } = await cli(["submit", "Nope", "-p", "a=1"]);
  assert.equal(code, 4);
  assert.equal(
    stderr,
    'error: Task family "Nope" is not registered; known families: ProcessShard (family_not_found)\n',
  );
});

Deno.test("a hub error on any command is one line with the hub's code, exit 4", async () => {
  const { code, stderr } = await cli(["status", "run_404"]);
  assert.equal(code, 4);
  assert.equal(stderr, "error: No route for GET /api/runs/run_404 (not_found)\n");
});

Deno.test("a usage error exits 2 with one line and no request", async () => {
  const { code, stdout, stderr, requests } = await cli(["runs", "--wait"]);
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.equal(stderr.split("\n").length, 2);
  assert.match(stderr, /^error: Option "--wait" does not apply to "runs"/);
  assert.deepEqual(requests, []);
});

Deno.test("help exits 0 and documents every exit code", async () => {
  const { code, stdout } = await cli(["help"]);
  assert.equal(code, 0);
  for (const line of [/^ {2}0 +success$/m, /^ {2}1 +the run failed/m, /^ {2}2 +usage error/m]) {
    assert.match(stdout, line);
  }
  assert.match(stdout, /^ {2}3 +the hub could not be reached/m);
  assert.match(stdout, /^ {2}4 +the hub answered with an error/m);
  assert.match(stdout, /^ {2}5 +the hub refused the token/m);
});

Deno.test("a bug inside drover exits 70 with its stack trace", async () => {
  const io = createMemoryIo();
  const code = await runCli(["submit", "ProcessShard", "-p", "shardId=1", "-p", "totalShards=2"], {
    env: {},
    io,
    fetch: () => Promise.resolve(Response.json(FAMILY)),
    now: () => {
      throw new Error("clock broke");
    },
  });
  assert.equal(code, 70);
  assert.match(
    io.stderr,
    /^error: internal error in drover, please report it:\nError: clock broke\n\s+at /,
  );
});

Deno.test("submit --pin sends the label selector with the run", async () => {
  const { code, requests } = await cli([...SUBMIT, "--pin", "region=eu-west", "--pin", "gpu=a100"]);
  assert.equal(code, 0);
  assert.deepEqual((requests.find((r) => r.method === "POST")?.body as { pin: unknown }).pin, {
    region: "eu-west",
    gpu: "a100",
  });
});

Deno.test("a bad --pin exits 2 naming the value, before any request", async () => {
  const { code, stderr, requests } = await cli([...SUBMIT, "--pin", "Region=eu"]);
  assert.equal(code, 2);
  assert.equal(stderr, 'error: Invalid --pin "Region=eu": label names are lowercase identifiers\n');
  assert.deepEqual(requests, []);
});

Deno.test("status shows the run's fields, then its execution summary", async () => {
  const { code, stdout } = await cli(["status", "run_1"]);
  assert.equal(code, 0);
  assert.match(stdout, /^State +done$/m);
  assert.match(stdout, /^Tasks +1: 1 done$/m);
  assert.match(stdout, /^Run run_1 done in 2\.5s \(1 task\):\n {2}\* 1 completed$/m);
});

Deno.test("a refused token exits 5 with one line; without a token it says how to set one", async () => {
  const refuse =
    (status: 401 | 403, code: string, detail: string) =>
    async (argv: string[], env: Record<string, string>) =>
      await runAgainst(argv, { "GET /api/runs": () => problem(status, code, detail) }, {
        env: { DROVER_URL: "http://hub.test", ...env },
      });
  const missing = await refuse(401, "unauthorized", "a token is required")(["runs"], {});
  assert.equal(missing.code, 5);
  assert.equal(
    missing.stderr,
    "error: the hub requires a token (401 unauthorized): a token is required; set DROVER_TOKEN " +
      "or pass --token (an admin makes one with: drover token create --role operator)\n",
  );
  const revoked = await refuse(401, "unauthorized", "the token was revoked")(["runs"], {
    DROVER_TOKEN: "t",
  });
  assert.equal(revoked.code, 5);
  assert.equal(
    revoked.stderr,
    "error: the hub refused the token from DROVER_TOKEN (401 unauthorized): the token was revoked\n",
  );
  assert.equal(revoked.requests[0]?.authorization, "Bearer t");
  const forbidden = await refuse(403, "forbidden", "role viewer may not; allowed: admin")(
    ["runs", "--token", "v"],
    {},
  );
  assert.equal(forbidden.code, 5);
  assert.equal(
    forbidden.stderr,
    "error: the hub does not let the token from --token do this (403 forbidden): role viewer " +
      "may not; allowed: admin\n",
  );
});

Deno.test("a real hub's problem+json answer over HTTP reaches the user as one line", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response(
        JSON.stringify({
          type: "urn:drover:problem:run_not_found",
          title: "Not found",
          status: 404,
          detail: 'Run "run_x" does not exist',
          code: "run_not_found",
        }),
        { status: 404, headers: { "content-type": "application/problem+json" } },
      ),
  );
  const io = createMemoryIo();
  const code = await runCli(["status", "run_x"], {
    env: { DROVER_URL: `http://127.0.0.1:${server.addr.port}` },
    io,
  });
  assert.equal(code, 4);
  assert.equal(io.stderr, 'error: Run "run_x" does not exist (run_not_found)\n');
});

Deno.test("help COMMAND explains the command, e.g. what token generate is for", async () => {
  const { code, stdout } = await cli(["help", "token"]);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: drover token create\|list\|revoke\|generate \[TOKEN_ID\]/);
  assert.match(stdout, /DROVER_ADMIN_TOKEN/);
});
