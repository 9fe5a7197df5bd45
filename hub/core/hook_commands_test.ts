/**
 * Webhooks through the app: a signed delivery makes one run with parameters
 * from the payload; the same delivery again makes none; bad signatures and
 * payloads are clear 4xx answers, and every delivery is audited.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import { Load } from "../http/test_role_table.ts";
import { pruneRuns } from "../ops/prune_runs.ts";
import { type TestApp, testApp } from "../test_app.ts";

const json = { "content-type": "application/json" };

async function createHook(t: TestApp, body: Record<string, unknown>) {
  const res = await t.app.request("/api/hooks", {
    method: "POST",
    headers: json,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Posts `payload` to the hook, signed with `secret` (a wrong one to test refusals). */
function deliver(
  t: TestApp,
  name: string,
  payload: unknown,
  secret: string,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify(payload);
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  return t.raw.request(`/api/hooks/${name}`, {
    method: "POST",
    headers: { ...json, "x-hub-signature-256": `sha256=${signature}`, ...headers },
    body,
  });
}

const runs = (t: TestApp) =>
  t.core.read((db) =>
    db.all<{ id: string; params: string; submitted_by: string }>(
      sql`SELECT id, params, submitted_by FROM runs ORDER BY created_at`,
    )
  );

const audit = (t: TestApp) =>
  t.core.read((db) =>
    db.all<{ action: string; target: string; outcome: string; status: number; detail: string }>(sql`
      SELECT action, target, outcome, status, detail FROM audit_log WHERE action = 'hook.deliver' ORDER BY id`)
  );

Deno.test("a signed delivery makes one run; the same delivery again makes none", async () => {
  await using t = await testApp([Load]);
  const created = await createHook(t, {
    name: "push",
    family: "Load",
    mapping: { day: "/release/day" },
  });
  assert.equal(created.status, 201);
  assert.match(created.body.secret, /^whsec_[A-Za-z0-9_-]{32}$/);
  const payload = { release: { day: "2026-12-01" } };
  const first = await deliver(t, "push", payload, created.body.secret, {
    "x-github-delivery": "d-1",
  });
  assert.equal(first.status, 200);
  const run = await first.json();
  assert.deepEqual({ ...run, runId: undefined }, {
    hook: "push",
    key: "d-1",
    runId: undefined,
    duplicate: false,
  });
  const again =
    await (await deliver(t, "push", payload, created.body.secret, { "x-github-delivery": "d-1" }))
      .json();
  assert.deepEqual(again, { ...run, duplicate: true });
  const stored = await runs(t);
  assert.deepEqual(stored.map((r) => [r.id, JSON.parse(r.params), r.submitted_by]), [
    [run.runId, { day: "2026-12-01" }, "hook:push"],
  ]);
  // A new delivery id is a new event.
  const other =
    await (await deliver(t, "push", payload, created.body.secret, { "x-github-delivery": "d-2" }))
      .json();
  assert.equal(other.duplicate, false);
  assert.equal((await runs(t)).length, 2);
  // Listed without its secret.
  const listed = await (await t.app.request("/api/hooks")).json();
  assert.equal(listed.hooks.length, 1);
  assert.equal(listed.hooks[0].secret, undefined);
  assert.equal(listed.hooks[0].url, "/api/hooks/push");
});

Deno.test("bad signatures, payloads and keys are refused, audited, and start nothing", async () => {
  await using t = await testApp([Load]);
  const { body: hook } = await createHook(t, {
    name: "push",
    family: "Load",
    mapping: { day: "/day" },
  });
  const { body: byField } = await createHook(t, {
    name: "events",
    family: "Load",
    mapping: { day: "/day" },
    secret: "a-secret-of-sixteen-or-more",
    idempotencyKey: { field: "/event/id" },
  });
  const key = { "x-github-delivery": "d-1" };
  const refused = async (res: Response) => {
    const problem = await res.json();
    return [res.status, problem.code, problem.field ?? null];
  };
  assert.deepEqual(
    await refused(await deliver(t, "push", { day: "2026-12-01" }, "wrong-secret", key)),
    [403, "bad_signature", null],
  );
  const unsigned = await t.raw.request("/api/hooks/push", {
    method: "POST",
    headers: { ...json, ...key },
    body: "{}",
  });
  assert.deepEqual(await refused(unsigned), [403, "bad_signature", null]);
  assert.deepEqual(await refused(await deliver(t, "push", { other: 1 }, hook.secret, key)), [
    400,
    "payload_missing_field",
    "/day",
  ]);
  assert.deepEqual(
    await refused(await deliver(t, "push", { day: "yesterday" }, hook.secret, key)),
    [400, "invalid_params", "params.day"],
  );
  assert.deepEqual(await refused(await deliver(t, "push", { day: "2026-12-01" }, hook.secret)), [
    400,
    "missing_idempotency_key",
    "X-GitHub-Delivery",
  ]);
  assert.deepEqual(
    await refused(await deliver(t, "events", { day: "2026-12-01" }, byField.secret)),
    [400, "missing_idempotency_key", "/event/id"],
  );
  assert.deepEqual(await refused(await deliver(t, "nope", {}, "x")), [404, "hook_not_found", null]);
  // The key from the payload: a number does as well as a string.
  const ok = await deliver(t, "events", { day: "2026-12-01", event: { id: 42 } }, byField.secret);
  assert.equal((await ok.json()).key, "42");
  assert.equal((await runs(t)).length, 1);
  const entries = await audit(t);
  assert.deepEqual(
    entries.map((e) => [e.target, e.outcome, e.status, JSON.parse(e.detail).code ?? null]),
    [
      ["push", "denied", 403, "bad_signature"],
      ["push", "denied", 403, "bad_signature"],
      ["push", "failed", 400, "payload_missing_field"],
      ["push", "failed", 400, "invalid_params"],
      ["push", "failed", 400, "missing_idempotency_key"],
      ["events", "failed", 400, "missing_idempotency_key"],
      ["nope", "failed", 404, "hook_not_found"],
      ["events", "ok", 200, null],
    ],
  );
});

Deno.test("a hook names only the family's parameters, and its name once", async () => {
  await using t = await testApp([Load]);
  const bad = await createHook(t, { name: "x", family: "Load", mapping: { week: "/week" } });
  assert.deepEqual([bad.status, bad.body.code, bad.body.field], [
    400,
    "invalid_params",
    "mapping.week",
  ]);
  const pointer = await createHook(t, { name: "x", family: "Load", mapping: { day: "day" } });
  assert.deepEqual([pointer.status, pointer.body.field], [400, "mapping.day"]);
  assert.equal((await createHook(t, { name: "x", family: "Load" })).status, 201);
  const taken = await createHook(t, { name: "x", family: "Load" });
  assert.deepEqual([taken.status, taken.body.code], [409, "hook_exists"]);
  assert.equal((await t.app.request("/api/hooks/x", { method: "DELETE" })).status, 200);
  const gone = await deliver(t, "x", {}, "whatever", { "x-github-delivery": "d" });
  assert.equal(gone.status, 404);
});

Deno.test("a delivery's key is kept while its run is, and goes with it", async () => {
  await using t = await testApp([Load]);
  const { body: hook } = await createHook(t, {
    name: "push",
    family: "Load",
    mapping: { day: "/day" },
  });
  const key = { "x-github-delivery": "d-1" };
  const first = await (await deliver(t, "push", { day: "2026-12-01" }, hook.secret, key)).json();
  await t.core.runs.cancelRun(first.runId, "test");
  const prune = (before: number) =>
    t.core.queue.write(async (tx) => {
      for (let i = 0; i < 5; i++) await pruneRuns(tx, { runsBefore: before, auditBefore: null });
    });
  // Retention that keeps the run keeps the key.
  await prune(0);
  assert.equal(
    (await (await deliver(t, "push", { day: "2026-12-01" }, hook.secret, key)).json()).duplicate,
    true,
  );
  // Once retention removed the run, the key is gone too: the same id is a new event.
  await prune(Date.now() + 86_400_000);
  const again = await (await deliver(t, "push", { day: "2026-12-01" }, hook.secret, key)).json();
  assert.equal(again.duplicate, false);
  assert.notEqual(again.runId, first.runId);
});
