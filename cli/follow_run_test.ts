/**
 * A run's duration is the hub's to tell: `submit --wait`, `retry --wait`,
 * `status` and `runs` all show createdAt to finishedAt (hub clock), or, while
 * it runs, createdAt to the hub's now as its answers' `Date` headers tell it.
 */
import assert from "node:assert/strict";
import type { RunStatus } from "../shared/api_schemas.ts";
import { fakeFamily, fakeRun } from "./fake_answers.ts";
import { type FakeRoute, inTurn, runAgainst } from "./fake_hub.ts";

const TOKEN = `drv_tok_0123456789ab_${"x".repeat(43)}`;

/** When the hub created the run, on its clock; the CLI's fake clock starts at 0. */
const CREATED = Date.UTC(2026, 10, 23, 12);

function run(state: RunStatus["state"]): RunStatus {
  return fakeRun({
    rootTaskId: "Agg_1_ab",
    state,
    createdAt: CREATED,
    finishedAt: state === "done" ? CREATED + 83_400 : null,
    total: 3,
    counts: state === "done" ? { done: 3 } : { done: 1, leased: 2 },
  });
}

/** Answers `bodies` in turn, each with the `Date` the hub would send at `hubTime`. */
function at(hubTime: number, ...bodies: unknown[]): FakeRoute {
  const next = inTurn(...bodies);
  return async (body, request) => {
    const answer = await next(body, request);
    answer.headers.set("date", new Date(hubTime).toUTCString());
    return answer;
  };
}

const SUBMIT_ROUTES = {
  "GET /api/families/Agg": () => Response.json(fakeFamily()),
  "POST /api/runs": () =>
    Response.json({ runId: "run_1", taskId: "Agg_1_ab", rootState: "ready" }, { status: 201 }),
};

const RETRY_ROUTES = {
  "POST /api/runs/run_1/retry": () =>
    Response.json({ runId: "run_1", retried: ["Agg_2_cd"], unblocked: 0 }),
};

Deno.test("a finished run shows the same duration in submit --wait, retry --wait, status and runs", async () => {
  // The hub's clock is 56 years ahead of the CLI's fake one: only hub times count.
  const runRoute = () => at(CREATED + 90_000, run("running"), run("done"));
  const submitted = await runAgainst(["submit", "Agg", "--wait"], {
    ...SUBMIT_ROUTES,
    "GET /api/runs/run_1": runRoute(),
  });
  const retried = await runAgainst(["retry", "run_1", "--run", "--wait"], {
    ...RETRY_ROUTES,
    "GET /api/runs/run_1": runRoute(),
  });
  const status = await runAgainst(["status", "run_1"], {
    "GET /api/runs/run_1": at(CREATED + 600_000, run("done")),
  });
  const runs = await runAgainst(["runs"], {
    "GET /api/runs": at(CREATED + 600_000, { runs: [run("done")], next: null }),
  });
  const summary = /^Run run_1 done in 1m 23s \(3 tasks\):$/m;
  assert.match(submitted.stdout, summary);
  assert.match(retried.stdout, summary);
  assert.match(status.stdout, summary);
  assert.match(status.stdout, /^Finished +2026-11-23 12:01:23Z \(took 1m 23s\)$/m);
  assert.match(runs.stdout, /^run_1 +Agg +done +3\/3 +0 +2026-11-23 12:00:00Z +1m 23s$/m);
});

Deno.test("a running run shows the same duration in the progress line, status and runs, on the hub's clock", async () => {
  // The hub answers 5 s after it created the run; the CLI's clock reads 0. A
  // Date of 12:00:05 says the hub's clock read 5 to 8 s (a Date may lag by up
  // to 3 s): taken as 6.5 s, the same by every path.
  const hubNow = CREATED + 5_000;
  const followed = await runAgainst(["submit", "Agg", "--wait"], {
    ...SUBMIT_ROUTES,
    "GET /api/runs/run_1": at(hubNow, run("running"), run("done")),
  });
  const status = await runAgainst(["status", "run_1"], {
    "GET /api/runs/run_1": at(hubNow, run("running")),
  });
  const runs = await runAgainst(["runs"], {
    "GET /api/runs": at(hubNow, { runs: [run("running")], next: null }),
  });
  assert.equal(followed.stderr, "[###-------] 1/3 done · 2 running · 0 failed · 6.5s\n");
  assert.match(status.stdout, /^Running for +6\.5s$/m);
  assert.match(status.stdout, /^Run run_1 running for 6\.5s \(3 tasks\):$/m);
  assert.match(runs.stdout, /^run_1 +Agg +running +1\/3 +0 +2026-11-23 12:00:00Z +6\.5s…$/m);
});

Deno.test("submit --wait opens the run's event stream first and fetches the run when an event comes", async () => {
  let fetches = 0;
  const fetched = Promise.withResolvers<void>();
  const encode = (text: string) => new TextEncoder().encode(text);
  const { code, stderr, requests } = await runAgainst(["submit", "Agg", "--wait"], {
    ...SUBMIT_ROUTES,
    // The run ends after the first fetch: the stream says so at once.
    "GET /api/events": () =>
      new Response(
        new ReadableStream({
          async start(controller) {
            controller.enqueue(encode("retry: 2000\n\n"));
            await fetched.promise;
            controller.enqueue(encode('id: 9\nevent: run.state\ndata: {"id":9}\n\n'));
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      ),
    "GET /api/runs/run_1": () => {
      if (++fetches === 1) fetched.resolve();
      return Response.json(run(fetches === 1 ? "running" : "done"));
    },
  }, { stderrIsTerminal: true, env: { DROVER_URL: "http://hub.test", DROVER_TOKEN: TOKEN } });
  assert.equal(code, 0, stderr);
  const asked = requests.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(asked.slice(asked.indexOf("GET /api/events?run=run_1")), [
    "GET /api/events?run=run_1",
    "GET /api/runs/run_1",
    "GET /api/runs/run_1",
  ]);
  assert.equal(
    requests.find((r) => r.path.startsWith("/api/events"))?.authorization,
    `Bearer ${TOKEN}`,
  );
  assert.equal(
    stderr.split("\r").length,
    4,
    `the first line, the last, cleared: ${JSON.stringify(stderr)}`,
  );
});
