import assert from "node:assert/strict";
import { createApiClient } from "./api_client.ts";
import { HubAuthError, HubError, HubUnreachableError } from "./errors.ts";
import { fakeRun } from "./fake_answers.ts";

type Handler = (request: Request) => Response | Promise<Response>;

function clientWith(handler: Handler, token: string | null = null) {
  const fakeFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    Promise.resolve(handler(new Request(input, init)));
  return createApiClient({
    baseUrl: "http://hub.test",
    token,
    tokenSource: token === null ? null : "--token",
    fetch: fakeFetch as typeof fetch,
    timeoutMs: 0,
  });
}

const RUN = { ...fakeRun({ total: 1, counts: { done: 1 } }), futureField: "kept" };

Deno.test("an API client sends the bearer token and a JSON body", async () => {
  let seen: Request | undefined;
  let body: unknown;
  const client = clientWith(async (request) => {
    seen = request;
    body = await request.json();
    return Response.json({ runId: "run_1", taskId: "A_1_ab", rootState: "ready" }, {
      status: 201,
    });
  }, "s3cret");
  const submitted = await client.submitRun({ family: "A", params: { n: 1 } });
  assert.equal(submitted.runId, "run_1");
  assert.equal(seen?.method, "POST");
  assert.equal(seen?.url, "http://hub.test/api/runs");
  assert.equal(seen?.headers.get("authorization"), "Bearer s3cret");
  assert.equal(seen?.headers.get("content-type"), "application/json");
  assert.deepEqual(body, { family: "A", params: { n: 1 } });
});

Deno.test("an API client sends no authorization header without a token", async () => {
  let auth: string | null = "unset";
  const client = clientWith((request) => {
    auth = request.headers.get("authorization");
    return Response.json(RUN);
  });
  await client.getRun("run_1");
  assert.equal(auth, null);
});

Deno.test("an API client keeps fields it does not know, for --json output", async () => {
  const run = await clientWith(() => Response.json(RUN)).getRun("run_1");
  assert.equal((run as Record<string, unknown>).futureField, "kept");
});

Deno.test("an API client builds the tasks query from the filters that are set", async () => {
  let url = "";
  const client = clientWith((request) => {
    url = request.url;
    return Response.json({ tasks: [], next: null });
  });
  await client.listTasks({ run: "run 1", state: "failed", family: null, limit: 5 });
  assert.equal(url, "http://hub.test/api/tasks?run=run+1&state=failed&limit=5");
  await assert.rejects(() => client.getTask("a/b"), { code: "unexpected_response" });
  assert.equal(url, "http://hub.test/api/tasks/a%2Fb");
});

Deno.test("an API client reports a non-JSON error answer with its status and an excerpt", async () => {
  const client = clientWith(() => new Response("<html>Bad Gateway</html>", { status: 502 }));
  await assert.rejects(() => client.listWorkers(), {
    name: "HubError",
    code: "http_502",
    message: 'The hub answered GET /api/workers with HTTP 502: "<html>Bad Gateway</html>"',
  });
});

Deno.test("an API client refuses a success answer of the wrong shape", async () => {
  const client = clientWith(() => Response.json({ runs: [{ runId: 1 }] }));
  await assert.rejects(() => client.listRuns(), {
    name: "HubError",
    code: "unexpected_response",
    message: /GET \/api\/runs with an unexpected body: field "runs.0.runId": Invalid input/,
  });
  const text = clientWith(() => new Response("ok"));
  await assert.rejects(() => text.listRuns(), /GET \/api\/runs with a body that is not JSON: "ok"/);
});

Deno.test("an API client reports a failed fetch as the hub being unreachable", async () => {
  const client = createApiClient({
    baseUrl: "http://127.0.0.1:1",
    token: null,
    tokenSource: null,
    timeoutMs: 0,
    fetch: () =>
      Promise.reject(
        new TypeError("fetch failed", {
          cause: new Error(
            "error sending request for url (http://127.0.0.1:1/api/workers): client error " +
              "(Connect): tcp connect error: Connection refused (os error 111)",
          ),
        }),
      ),
  });
  await assert.rejects(() => client.listWorkers(), (error: unknown) => {
    assert.ok(error instanceof HubUnreachableError);
    assert.equal(error.message, "Cannot reach the hub at http://127.0.0.1:1: connection refused");
    return true;
  });
});

const PROBLEM = { "content-type": "application/problem+json" };

Deno.test("an API client reads an application/problem+json error into a HubError", async () => {
  const client = clientWith(() =>
    new Response(
      JSON.stringify({
        type: "urn:drover:problem:invalid_params",
        title: "Invalid parameters",
        status: 400,
        detail: 'Parameter "n" must be an integer',
        code: "invalid_params",
        field: "params.n",
      }),
      { status: 400, headers: PROBLEM },
    )
  );
  await assert.rejects(() => client.submitRun({ family: "A", params: {} }), (error: unknown) => {
    assert.ok(error instanceof HubError && !(error instanceof HubAuthError));
    assert.equal(error.status, 400);
    assert.equal(error.code, "invalid_params");
    assert.equal(error.message, 'Parameter "n" must be an integer');
    assert.equal(error.field, "params.n");
    return true;
  });
});

Deno.test("an API client reports an error body that is not a problem with its status and an excerpt", async () => {
  const legacy = { error: { code: "run_not_found", message: 'Run "x" does not exist' } };
  const client = clientWith(() => Response.json(legacy, { status: 404 }));
  await assert.rejects(() => client.getRun("x"), (error: unknown) => {
    assert.ok(error instanceof HubError && !(error instanceof HubAuthError));
    assert.equal(error.status, 404);
    assert.equal(error.code, "http_404");
    assert.equal(
      error.message,
      `The hub answered GET /api/runs/x with HTTP 404: ${JSON.stringify(JSON.stringify(legacy))}`,
    );
    return true;
  });
});

Deno.test("an API client turns 401 and 403 into a HubAuthError naming where the token came from", async () => {
  const answer = (status: 401 | 403, code: string, detail: string) => () =>
    new Response(
      JSON.stringify({
        type: `urn:drover:problem:${code}`,
        title: "Refused",
        status,
        detail,
        code,
      }),
      {
        status,
        headers: PROBLEM,
      },
    );
  const refused = clientWith(answer(401, "unauthorized", "the token is revoked"), "t");
  await assert.rejects(() => refused.listPauses(), (error: unknown) => {
    assert.ok(error instanceof HubAuthError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "unauthorized");
    assert.equal(error.message, "the token is revoked");
    assert.equal(error.tokenSource, "--token");
    return true;
  });
  const forbidden = clientWith(answer(403, "forbidden", "role viewer; allowed: admin"), null);
  await assert.rejects(() => forbidden.listAudit(), { status: 403, tokenSource: null });
  const bare = clientWith(() => new Response("no", { status: 401 }));
  await assert.rejects(() => bare.listRuns(), { name: "HubAuthError", code: "unauthorized" });
});

Deno.test("an API client builds the runs and audit queries with their cursors", async () => {
  const urls: string[] = [];
  const client = clientWith((request) => {
    urls.push(request.url);
    return request.url.includes("/api/audit")
      ? Response.json({ entries: [], next: "c2" })
      : Response.json({ runs: [], next: null });
  });
  const runs = await client.listRuns({ state: "failed", family: null, limit: 2, cursor: "c 1" });
  assert.deepEqual(runs, { runs: [], next: null });
  const audit = await client.listAudit({ action: "run.retry", limit: null, cursor: null });
  assert.equal(audit.next, "c2");
  assert.deepEqual(urls, [
    "http://hub.test/api/runs?state=failed&limit=2&cursor=c+1",
    "http://hub.test/api/audit?action=run.retry",
  ]);
});

Deno.test("an API client sends each action to its path, method and body", async () => {
  const seen: string[] = [];
  const client = clientWith(async (request) => {
    const body = request.body ? await request.text() : "";
    const path = new URL(request.url).pathname;
    seen.push(`${request.method} ${path} ${body}`.trim());
    if (path.startsWith("/api/pauses/")) {
      return Response.json({ kind: "region", value: "eu west", paused: request.method === "PUT" });
    }
    if (path.startsWith("/api/resources/")) return Response.json({ name: "gpu", limit: 2 });
    if (path.endsWith("/retry") && path.startsWith("/api/runs/")) {
      return Response.json({ runId: "run_1", retried: ["A_1"], unblocked: 2 });
    }
    if (path.startsWith("/api/runs/")) return Response.json({ runId: "run_1", cancelled: 3 });
    if (path.endsWith("/retry")) {
      return Response.json({ taskId: "A_1", state: "ready", unblocked: 0 });
    }
    if (path.endsWith("/cancel")) return Response.json({ taskId: "A_1", state: "cancelled" });
    return Response.json({ taskId: "A_1", state: "done", readied: 1 });
  });
  await client.retryRun("run_1");
  await client.cancelRun("run_1", null);
  await client.retryTask("A_1");
  await client.cancelTask("A_1", "not needed");
  await client.markTaskDone("A_1", "loaded by hand");
  await client.pause("region", "eu west", "maintenance");
  await client.resume("region", "eu west");
  await client.setResourceLimit("gpu", 2);
  assert.deepEqual(seen, [
    "POST /api/runs/run_1/retry",
    "POST /api/runs/run_1/cancel {}",
    "POST /api/tasks/A_1/retry",
    'POST /api/tasks/A_1/cancel {"reason":"not needed"}',
    'POST /api/tasks/A_1/done {"reason":"loaded by hand"}',
    'PUT /api/pauses/region/eu%20west {"reason":"maintenance"}',
    "DELETE /api/pauses/region/eu%20west",
    'PUT /api/resources/gpu {"limit":2}',
  ]);
});
