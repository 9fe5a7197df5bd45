import assert from "node:assert/strict";
import { createApiClient, networkReason } from "./api_client.ts";
import { HubError, HubUnreachableError } from "./errors.ts";

type Handler = (request: Request) => Response | Promise<Response>;

function clientWith(handler: Handler, token: string | null = null) {
  const fakeFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    Promise.resolve(handler(new Request(input, init)));
  return createApiClient({
    baseUrl: "http://hub.test",
    token,
    fetch: fakeFetch as typeof fetch,
    timeoutMs: 0,
  });
}

const RUN = {
  runId: "run_1",
  rootTaskId: "A_1_ab",
  family: "A",
  params: {},
  state: "done",
  createdAt: 1,
  finishedAt: 2,
  total: 1,
  counts: { done: 1 },
  failed: [],
  futureField: "kept",
};

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
    return Response.json({ tasks: [] });
  });
  await client.listTasks({ run: "run 1", state: "failed", family: null, limit: 5 });
  assert.equal(url, "http://hub.test/api/tasks?run=run+1&state=failed&limit=5");
  await assert.rejects(() => client.getTask("a/b"), { code: "unexpected_response" });
  assert.equal(url, "http://hub.test/api/tasks/a%2Fb");
});

Deno.test("an API client turns an error answer into a HubError with the hub's code", async () => {
  const client = clientWith(() =>
    Response.json({ error: { code: "run_not_found", message: 'Run "x" does not exist' } }, {
      status: 404,
    })
  );
  await assert.rejects(() => client.getRun("x"), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.status, 404);
    assert.equal(error.code, "run_not_found");
    assert.equal(error.message, 'Run "x" does not exist');
    return true;
  });
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

Deno.test("networkReason() names common network failures in a few words", () => {
  const wrapped = (inner: string) => new TypeError("fetch failed", { cause: new Error(inner) });
  assert.equal(
    networkReason(
      wrapped(
        "error sending request for url (http://x/): client error (Connect): dns error: " +
          "failed to lookup address information: Name or service not known",
      ),
      1000,
    ),
    "host not found",
  );
  assert.equal(
    networkReason(new DOMException("Signal timed out.", "TimeoutError"), 30_000),
    "no answer within 30 s",
  );
  assert.equal(
    networkReason(new TypeError("Fetch failed: Requests to port 9 are blocked"), 1000),
    "fetch refuses port 9 (a reserved port); use another port",
  );
  assert.equal(
    networkReason(
      wrapped("error sending request for url (http://x/): client error (Connect): odd failure"),
      1000,
    ),
    "odd failure",
  );
});
