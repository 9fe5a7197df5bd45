import assert from "node:assert/strict";
import { createApiClient } from "./api_client.ts";
import type { RunStatus, TaskDetail } from "../shared/api_schemas.ts";
import { fakeFamily, fakeRun, fakeTaskDetail } from "./fake_answers.ts";
import { inTurn, problem, runAgainst } from "./fake_hub.ts";
import { createHoldProbe, formatHeldProgress, shouldAskWhyHeld } from "./hold_reason.ts";

const ROOT = "AggregateShards_3_ab";
const SHARD = "ProcessShard_0_3_cd";
const PAUSED = "family ProcessShard is paused";

function run(counts: Record<string, number>, state: RunStatus["state"] = "running"): RunStatus {
  return fakeRun({
    rootTaskId: ROOT,
    family: "AggregateShards",
    params: { totalShards: 3 },
    state,
    finishedAt: state === "running" ? null : 1000,
    total: 4,
    counts,
  });
}

function task(id: string, state: TaskDetail["state"], extra: Partial<TaskDetail> = {}) {
  return fakeTaskDetail({ id, state, ...extra });
}

/** A client whose hub answers `tasks` by id and `ready` to the ready-task query; records paths. */
function fakeClient(tasks: Record<string, unknown>, ready: string[] = []) {
  const paths: string[] = [];
  const fetch = (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    paths.push(url.pathname + url.search);
    if (url.pathname === "/api/tasks") {
      return Promise.resolve(Response.json({ tasks: ready.map((id) => tasks[id]), next: null }));
    }
    const body = tasks[decodeURIComponent(url.pathname.slice("/api/tasks/".length))];
    return Promise.resolve(
      body ? Response.json(body) : problem(404, "task_not_found", "Task does not exist"),
    );
  };
  const client = createApiClient({
    baseUrl: "http://hub.test",
    token: null,
    tokenSource: null,
    fetch: fetch as typeof globalThis.fetch,
  });
  return { client, paths };
}

Deno.test("shouldAskWhyHeld() asks only while the run is unfinished, nothing runs and something is ready", () => {
  assert.equal(shouldAskWhyHeld(run({ ready: 1, waiting: 3 })), true);
  assert.equal(shouldAskWhyHeld(run({ ready: 1, leased: 1 })), false);
  assert.equal(shouldAskWhyHeld(run({ waiting: 4 })), false);
  assert.equal(shouldAskWhyHeld(run({ ready: 1 }, "cancelled")), false);
  assert.equal(shouldAskWhyHeld(run({ done: 4 }, "done")), false);
});

Deno.test("formatHeldProgress() adds the hub's reason after the progress line", () => {
  assert.equal(
    formatHeldProgress({ run: run({ ready: 1, waiting: 3 }), held: PAUSED }, 3000),
    `[----------] 0/4 done · 0 running · 0 failed · 3.0s · held: ${PAUSED}`,
  );
  assert.equal(
    formatHeldProgress({ run: run({ ready: 1 }), held: null }, 0),
    "[----------] 0/4 done · 0 running · 0 failed · 0.0s",
  );
});

Deno.test("a hold probe asks about the root first, with one request per poll", async () => {
  const { client, paths } = fakeClient({ [ROOT]: task(ROOT, "ready", { unschedulable: PAUSED }) });
  const why = createHoldProbe(client, "run_1");
  assert.equal(await why(run({ ready: 1 })), PAUSED);
  assert.equal(await why(run({ ready: 1 })), PAUSED);
  assert.deepEqual(paths, [`/api/tasks/${ROOT}`, `/api/tasks/${ROOT}`]);
});

Deno.test("a hold probe asks nothing while a task runs or the run is over", async () => {
  const { client, paths } = fakeClient({ [ROOT]: task(ROOT, "ready", { unschedulable: PAUSED }) });
  const why = createHoldProbe(client, "run_1");
  assert.equal(await why(run({ ready: 1, leased: 1 })), null);
  assert.equal(await why(run({ done: 4 }, "done")), null);
  assert.deepEqual(paths, []);
});

Deno.test("a hold probe goes from a waiting root to its ready dependency on the next poll", async () => {
  const reason = "no connected worker running ProcessShard matches region=ap-south";
  const { client, paths } = fakeClient({
    [ROOT]: task(ROOT, "waiting", { dependencies: [{ id: SHARD, state: "ready" }] }),
    [SHARD]: task(SHARD, "ready", { unschedulable: reason }),
  });
  const why = createHoldProbe(client, "run_1");
  assert.equal(await why(run({ ready: 1, waiting: 1 })), null);
  assert.equal(await why(run({ ready: 1, waiting: 1 })), reason);
  assert.deepEqual(paths, [`/api/tasks/${ROOT}`, `/api/tasks/${SHARD}`]);
});

Deno.test("a hold probe finds a ready task of the run when the root does not lead to one", async () => {
  const deep = "Extract_1_ef";
  const { client, paths } = fakeClient({
    [ROOT]: task(ROOT, "waiting", { dependencies: [{ id: SHARD, state: "waiting" }] }),
    [deep]: task(deep, "ready", { unschedulable: "no worker is connected" }),
  }, [deep]);
  const why = createHoldProbe(client, "run_1");
  const held = run({ ready: 1, waiting: 2 });
  assert.deepEqual([await why(held), await why(held), await why(held)], [
    null,
    null,
    "no worker is connected",
  ]);
  assert.deepEqual(paths, [
    `/api/tasks/${ROOT}`,
    "/api/tasks?run=run_1&state=ready&limit=1",
    `/api/tasks/${deep}`,
  ]);
});

Deno.test("a hold probe that the hub cannot answer says nothing and looks again", async () => {
  const { client, paths } = fakeClient({}, []);
  const why = createHoldProbe(client, "run_1");
  assert.equal(await why(run({ ready: 1 })), null);
  assert.equal(await why(run({ ready: 1 })), null);
  assert.deepEqual(paths, [`/api/tasks/${ROOT}`, "/api/tasks?run=run_1&state=ready&limit=1"]);
});

Deno.test("submit --wait says why the run is held while nothing of it runs", async () => {
  const family = fakeFamily({ name: "AggregateShards", paramsSchema: { type: "object" } });
  const { code, stderr, requests } = await runAgainst(
    ["submit", "AggregateShards", "--wait"],
    {
      "GET /api/families/AggregateShards": () => Response.json(family),
      "POST /api/runs": () =>
        Response.json({ runId: "run_1", taskId: ROOT, rootState: "ready" }, { status: 201 }),
      "GET /api/runs/run_1": inTurn(
        run({ ready: 1 }),
        ...Array.from({ length: 5 }, () => run({ ready: 1 })),
        run({ leased: 1 }),
        run({ done: 4 }, "done"),
      ),
      [`GET /api/tasks/${ROOT}`]: () =>
        Response.json(task(ROOT, "ready", { unschedulable: PAUSED })),
    },
  );
  assert.equal(code, 0, stderr);
  assert.deepEqual(stderr.trimEnd().split("\n"), [
    `[----------] 0/4 done · 0 running · 0 failed · 0.0s · held: ${PAUSED}`,
    `[----------] 0/4 done · 0 running · 0 failed · 1.0s · held: ${PAUSED}`,
  ]);
  const asked = requests.filter((r) => r.path.startsWith("/api/tasks"));
  assert.equal(asked.length, 6, "one question per poll with nothing running, none after");
});

Deno.test("on a terminal the held line is cut to the terminal's width", async () => {
  const { stderr } = await runAgainst(["retry", "run_1", "--run", "--wait"], {
    "POST /api/runs/run_1/retry": () =>
      Response.json({ runId: "run_1", retried: [ROOT], unblocked: 0 }),
    "GET /api/runs/run_1": inTurn(run({ ready: 1 }), run({ done: 4 }, "done")),
    [`GET /api/tasks/${ROOT}`]: () => Response.json(task(ROOT, "ready", { unschedulable: PAUSED })),
  }, { stderrIsTerminal: true, columns: 60 });
  const first = stderr.split("\r")[1]!;
  assert.equal(first, "[----------] 0/4 done · 0 running · 0 failed · 0.0s · held…\x1b[K");
  assert.equal([...first.replace("\x1b[K", "")].length, 59);
});
