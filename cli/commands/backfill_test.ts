import assert from "node:assert/strict";
import type { BackfillStatus } from "../../shared/api_schemas_backfills.ts";
import { fakeBackfill, fakeFamily } from "../fake_answers.ts";
import { inTurn, runAgainst, type RunAgainstOptions } from "../fake_hub.ts";

const SCHEMA = {
  type: "object",
  properties: {
    runDate: { type: "string", format: "date" },
    table: { type: "string" },
    limit: { type: "integer" },
  },
  required: ["runDate", "table"],
};

function status(state: BackfillStatus["state"], done: number, running: number): BackfillStatus {
  const failed = state === "failed" ? 1 : 0;
  return fakeBackfill({
    family: "Load",
    version: 2,
    to: "2026-11-03",
    maxConcurrent: 1,
    days: 3,
    skipped: 1,
    submitted: done + running + failed,
    pending: 2 - done - running - failed,
    done,
    failed,
    running,
    state,
    runs: failed
      ? [{ runId: "run_3", date: "2026-11-03", taskId: "Load_2026-11-03_ab", state: "failed" }]
      : [],
  });
}

/** Runs the CLI against a hub whose backfill answers each of `statuses` in turn. */
function cli(argv: string[], statuses = [status("done", 2, 0)], options?: RunAgainstOptions) {
  return runAgainst(argv, {
    "GET /api/families/Load": () =>
      Response.json(
        fakeFamily({ name: "Load", version: 2, paramsSchema: SCHEMA, versions: [1, 2] }),
      ),
    "POST /api/backfills": () =>
      Response.json({ backfillId: "bf_1", days: 3, skipped: 1, submitted: 1 }, { status: 201 }),
    "GET /api/backfills/bf_1": inTurn(...statuses),
  }, options);
}

const BACKFILL = ["backfill", "Load", "--from", "2026-11-01", "--to", "2026-11-03"];

Deno.test("backfill sends the range and the other parameters converted by the family's schema", async () => {
  const { code, stdout, requests } = await cli([
    ...BACKFILL,
    "-p",
    "table=orders",
    "-p",
    "limit=5",
    "--max-concurrent",
    "1",
  ]);
  assert.equal(code, 0);
  assert.deepEqual(requests.find((r) => r.method === "POST")?.body, {
    family: "Load",
    version: 2,
    from: "2026-11-01",
    to: "2026-11-03",
    params: { table: "orders", limit: 5 },
    maxConcurrent: 1,
  });
  assert.equal(
    stdout,
    "Submitted backfill bf_1 of Load from 2026-11-01 to 2026-11-03: 3 days, 1 skipped as " +
      "already complete, 1 started\nFollow it at http://hub.test/api/backfills/bf_1\n",
  );
});

Deno.test("backfill still asks for the required parameters other than the day", async () => {
  const { code, stderr, requests } = await cli(BACKFILL);
  assert.equal(code, 2);
  assert.equal(stderr, "error: Missing parameter for Load: --param table=...\n");
  assert.ok(requests.every((r) => r.method === "GET"));
});

Deno.test("backfill --param-name names the day parameter, which no longer needs a value", async () => {
  const result = await cli([...BACKFILL, "--param-name", "table", "-p", "runDate=2026-01-01"]);
  assert.equal(result.code, 0, result.stderr);
  const post = result.requests.find((r) => r.method === "POST")?.body as { param: string };
  assert.equal(post.param, "table");
});

Deno.test("backfill --wait shows progress in days and ends with a summary", async () => {
  const hub = [status("running", 0, 1), status("running", 1, 1), status("done", 2, 0)];
  const { code, stdout, stderr } = await cli([...BACKFILL, "-p", "table=t", "--wait"], hub);
  assert.equal(code, 0, stderr);
  assert.match(
    stdout,
    /^Backfill bf_1 done in 400ms: 3 days, 1 skipped as already complete, 2 done, 0 failed$/m,
  );
  assert.equal(stderr, "[###-------] 1/3 days done · 1 running · 0 failed · 0.0s\n");
});

Deno.test("backfill --wait exits 1 when a day failed, naming its task", async () => {
  const hub = [status("running", 0, 1), status("failed", 1, 0)];
  const { code, stdout, stderr } = await cli([...BACKFILL, "-p", "table=t", "--wait"], hub);
  assert.equal(code, 1);
  assert.match(stdout, /^2026-11-03 +Load_2026-11-03_ab +failed$/m);
  assert.equal(
    stderr.trimEnd().split("\n").at(-1),
    "error: Backfill bf_1 failed: 1 day failed: Load_2026-11-03_ab",
  );
});

Deno.test("backfill --wait --json prints only the final status on stdout", async () => {
  const hub = [status("running", 0, 1), status("done", 2, 0)];
  const { code, stdout, stderr } = await cli(
    [...BACKFILL, "-p", "table=t", "--wait", "--json"],
    hub,
  );
  assert.equal(code, 0);
  assert.equal(JSON.parse(stdout).state, "done");
  assert.equal(stderr, "");
});

Deno.test("backfill --wait on a terminal redraws its line, cut to the terminal's width", async () => {
  const hub = [status("running", 0, 1), status("done", 2, 0)];
  const { code, stderr } = await cli([...BACKFILL, "-p", "table=t", "--wait"], hub, {
    stderrIsTerminal: true,
    columns: 40,
  });
  assert.equal(code, 0);
  assert.equal(
    stderr,
    "\r[###-------] 1/3 days done · 1 running…\x1b[K" +
      "\r[##########] 3/3 days done · 0 running…\x1b[K" +
      "\r\x1b[K",
  );
});
