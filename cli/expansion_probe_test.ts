import assert from "node:assert/strict";
import type { RunStatus, TaskDetail } from "../shared/api_schemas.ts";
import { createApiClient } from "./api_client.ts";
import { createExpansionProbe } from "./expansion_probe.ts";
import { fakeFamily, fakeRun, fakeTaskDetail } from "./fake_answers.ts";
import { type FakeRoute, inTurn, problem, runAgainst } from "./fake_hub.ts";

const ROOT = "AggregateShards_3_ab";
const NO_WORKER = "no connected worker serves family AggregateShards";

function run(total: number, counts: Record<string, number>, state: RunStatus["state"] = "running") {
  return fakeRun({
    rootTaskId: ROOT,
    family: "AggregateShards",
    state,
    finishedAt: state === "running" ? null : 1_000,
    total,
    counts,
  });
}

function root(state: TaskDetail["state"], next: TaskDetail["next"], extra = {}): TaskDetail {
  return fakeTaskDetail({ id: ROOT, state, next, ...extra });
}

/** A client whose hub answers the root with `answers` in turn; counts the questions. */
function probeWith(...answers: (TaskDetail | Response)[]) {
  let asked = 0;
  const fetch = () => {
    const answer = answers[Math.min(asked++, answers.length - 1)]!;
    return Promise.resolve(answer instanceof Response ? answer : Response.json(answer));
  };
  const client = createApiClient({
    baseUrl: "http://hub.test",
    token: null,
    tokenSource: null,
    fetch: fetch as typeof globalThis.fetch,
  });
  return { probe: createExpansionProbe(client), asked: () => asked };
}

Deno.test("an expansion probe reports the root until it is expanded, then asks no more", async () => {
  const { probe, asked } = probeWith(
    root("ready", "expand", { unschedulable: NO_WORKER }),
    root("leased", "expand"),
    root("waiting", "run"),
  );
  assert.deepEqual(await probe(run(1, { ready: 1 })), {
    state: "ready",
    unschedulable: NO_WORKER,
  });
  assert.deepEqual(await probe(run(1, { leased: 1 })), { state: "leased", unschedulable: null });
  assert.equal(await probe(run(4, { waiting: 1, ready: 3 })), null);
  assert.equal(await probe(run(1, { ready: 1 })), null, "settled: no question after expansion");
  assert.equal(asked(), 2);
});

Deno.test("an expansion probe asks a one-task run once: its root's next lease runs it", async () => {
  const { probe, asked } = probeWith(root("ready", "run"));
  assert.equal(await probe(run(1, { ready: 1 })), null);
  assert.equal(await probe(run(1, { leased: 1 })), null);
  assert.equal(asked(), 1);
});

Deno.test("an expansion probe asks nothing of a finished run or one past its expansion", async () => {
  const finished = probeWith(root("ready", "expand"));
  assert.equal(await finished.probe(run(1, { failed: 1 }, "failed")), null);
  const grown = probeWith(root("ready", "expand"));
  assert.equal(await grown.probe(run(5, { done: 5 })), null);
  assert.equal(finished.asked() + grown.asked(), 0);
});

Deno.test("an expansion probe that the hub cannot answer shows the plain tally, and asks no more", async () => {
  const { probe, asked } = probeWith(problem(404, "task_not_found", "Task does not exist"));
  assert.equal(await probe(run(1, { ready: 1 })), null);
  assert.equal(await probe(run(1, { ready: 1 })), null);
  assert.equal(asked(), 1);
});

Deno.test("submit --wait says the graph is being expanded until it is, then counts its tasks", async () => {
  const family = fakeFamily({ name: "AggregateShards", paramsSchema: { type: "object" } });
  const rootAnswers: FakeRoute = inTurn(
    root("ready", "expand", { unschedulable: NO_WORKER }),
    root("leased", "expand"),
  );
  const { code, stderr, requests } = await runAgainst(["submit", "AggregateShards", "--wait"], {
    "GET /api/families/AggregateShards": () => Response.json(family),
    "POST /api/runs": () =>
      Response.json({ runId: "run_1", taskId: ROOT, rootState: "ready" }, { status: 201 }),
    "GET /api/runs/run_1": inTurn(
      run(1, { ready: 1 }),
      run(1, { leased: 1 }),
      run(4, { waiting: 1, leased: 3 }),
      run(4, { done: 4 }, "done"),
    ),
    [`GET /api/tasks/${ROOT}`]: rootAnswers,
  }, { stderrIsTerminal: true });
  assert.equal(code, 0, stderr);
  assert.deepEqual(stderr.split("\r").slice(1), [
    `[----------] waiting to expand the graph… · 0.0s · held: ${NO_WORKER}\x1b[K`,
    "[----------] expanding the graph… · 0.2s\x1b[K",
    "[----------] 0/4 done · 3 running · 0 failed · 0.4s\x1b[K",
    "[##########] 4/4 done · 0 running · 0 failed · 1.0s\x1b[K",
    "\x1b[K",
  ]);
  const asked = requests.filter((r) => r.path.startsWith("/api/tasks"));
  assert.equal(asked.length, 2, "the root is asked about only until it is expanded");
});
