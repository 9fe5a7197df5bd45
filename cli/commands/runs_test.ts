import assert from "node:assert/strict";
import type { RunStatus } from "../../shared/api_schemas.ts";
import { fakeRun } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";

function run(runId: string, state: RunStatus["state"], done: number, total: number) {
  return fakeRun({
    runId,
    rootTaskId: `Agg_${runId}`,
    state,
    createdAt: Date.UTC(2026, 10, 23, 12),
    finishedAt: state === "running" ? null : Date.UTC(2026, 10, 23, 12, 0, 3),
    total,
    counts: { done },
  });
}

const PAGE = {
  runs: [run("run_b", "failed", 1, 3), run("run_a", "done", 2, 2)],
  next: "MTc2MzkwMDAwMDAwMDpydW5fYQ",
};

Deno.test("runs sends its filters and prints a table, then how to see the next page", async () => {
  const { code, stdout, requests } = await runAgainst(
    ["runs", "--state", "failed", "--family", "Agg", "--limit", "2"],
    { "GET /api/runs": inTurn(PAGE) },
  );
  assert.equal(code, 0);
  assert.equal(requests[0]?.path, "/api/runs?state=failed&family=Agg&limit=2");
  const lines = stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^RUN +FAMILY +STATE +DONE +FAILED +CREATED +TOOK$/);
  assert.match(lines[1]!, /^run_b +Agg +failed +1\/3 +0 +2026-11-23 12:00:00Z +3\.0s$/);
  assert.equal(
    lines.at(-1),
    "More: drover runs --state failed --family Agg --limit 2 --cursor MTc2MzkwMDAwMDAwMDpydW5fYQ",
  );
});

Deno.test("runs --cursor asks for that page; the last page has no More line", async () => {
  const { stdout, requests } = await runAgainst(["runs", "--cursor", "abc"], {
    "GET /api/runs": inTurn({ runs: [run("run_a", "done", 2, 2)], next: null }),
  });
  assert.equal(requests[0]?.path, "/api/runs?cursor=abc");
  assert.doesNotMatch(stdout, /More:/);
});

Deno.test("runs --json prints the whole page, next cursor included", async () => {
  const { stdout } = await runAgainst(["runs", "--json"], { "GET /api/runs": inTurn(PAGE) });
  const printed = JSON.parse(stdout);
  assert.equal(printed.next, PAGE.next);
  assert.deepEqual(printed.runs.map((r: { runId: string }) => r.runId), ["run_b", "run_a"]);
});

Deno.test("runs says when nothing matches", async () => {
  const empty = { "GET /api/runs": inTurn({ runs: [], next: null }) };
  assert.equal((await runAgainst(["runs"], empty)).stdout, "No runs yet.\n");
  assert.equal((await runAgainst(["runs", "--state", "done"], empty)).stdout, "No runs match.\n");
});
