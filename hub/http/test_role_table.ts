/**
 * The role table of \`roles_test.ts\`: for every route, the callers allowed,
 * and how to build a request that succeeds for them on a fresh app. Written
 * out by hand, so a route whose roles change fails until the table says so.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { defineTask } from "../../shared/task.ts";
import type { TestApp } from "../test_app.ts";
import type { TokenRole } from "../../shared/api_schemas_admin.ts";
import { createHmac } from "node:crypto";

export const Load = defineTask({
  family: "Load",
  params: z.object({ day: z.iso.date() }),
  run: async () => {},
});

export type Caller = TokenRole | "anonymous" | "unknown token";
export const CALLERS: readonly Caller[] = [
  "admin",
  "operator",
  "viewer",
  "worker",
  "anonymous",
  "unknown token",
];

const EVERYONE = ["admin", "operator", "viewer", "worker", "anonymous", "unknown token"] as const;
const READERS = ["admin", "operator", "viewer"] as const;
const OPERATORS = ["admin", "operator"] as const;
const ADMINS = ["admin"] as const;
const AUDITORS = ["admin", "viewer"] as const;

/** A request that succeeds for an allowed caller, built on a fresh app. */
export interface Case {
  allowed: readonly Caller[];
  prepare?: (t: TestApp) => Promise<{ path?: string; body?: unknown; headers?: HeadersInit }>;
  body?: unknown;
  /** The status an allowed caller gets on the fresh app, when not a success (a backup of `:memory:`). */
  refusedAnyway?: number;
}

export const submit = async (t: TestApp, day = "2026-11-23") => {
  const res = await t.app.request("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ family: "Load", params: { day } }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json() as { runId: string; taskId: string };
};

/** The path `/api/tasks/<id><suffix>` of a freshly submitted task. */
const submittedTask = (suffix: string) => async (t: TestApp) => ({
  path: `/api/tasks/${(await submit(t)).taskId}${suffix}`,
});

const cancelled = async (t: TestApp) => {
  const run = await submit(t);
  await t.core.runs.cancelTask(run.taskId, "test");
  return run;
};

const NIGHTLY = {
  name: "nightly",
  family: "Load",
  cron: "0 3 * * *",
  zone: "Europe/Berlin",
  timeParams: { day: "date" },
};

/** The path `/api/schedules/nightly<suffix>`, the schedule created first. */
const schedule = (suffix: string) => async (t: TestApp) => {
  const res = await t.app.request("/api/schedules", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(NIGHTLY),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return { path: `/api/schedules/nightly${suffix}` };
};

/** A hook `push` made first, and a delivery to it signed with its secret. */
const signedDelivery = async (t: TestApp) => {
  const res = await t.app.request("/api/hooks", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "push", family: "Load", mapping: { day: "/day" } }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { secret } = await res.json();
  const body = { day: "2026-11-23" };
  const signature = createHmac("sha256", secret).update(JSON.stringify(body)).digest("hex");
  return {
    path: "/api/hooks/push",
    body,
    headers: { "x-hub-signature-256": `sha256=${signature}`, "x-github-delivery": "d-1" },
  };
};

/** A trigger `orders`, made paused (no broker in these tests), on a server that refuses. */
const ORDERS = {
  name: "orders",
  source: { kind: "jetstream", servers: ["127.0.0.1:1"], stream: "ORDERS" },
  family: "Load",
  mapping: { day: "/day" },
  paused: true,
};

/** The path `/api/triggers/orders<suffix>`, the trigger created first. */
const trigger = (suffix: string) => async (t: TestApp) => {
  const res = await t.app.request("/api/triggers", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ORDERS),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return { path: `/api/triggers/orders${suffix}` };
};

export const TABLE: Record<string, Case> = {
  "GET /healthz": { allowed: EVERYONE },
  "GET /readyz": { allowed: EVERYONE },
  "GET /api/openapi.json": { allowed: EVERYONE },
  "GET /api/docs": { allowed: EVERYONE },
  "POST /api/runs": { allowed: OPERATORS, body: { family: "Load", params: { day: "2026-11-23" } } },
  "GET /api/runs": { allowed: READERS },
  "GET /api/runs/{id}": {
    allowed: READERS,
    prepare: async (t) => ({ path: `/api/runs/${(await submit(t)).runId}` }),
  },
  "GET /api/runs/{id}/graph": {
    allowed: READERS,
    prepare: async (t) => ({ path: `/api/runs/${(await submit(t)).runId}/graph` }),
  },
  "GET /api/runs/{id}/timeline": {
    allowed: READERS,
    prepare: async (t) => ({ path: `/api/runs/${(await submit(t)).runId}/timeline` }),
  },
  "POST /api/runs/{id}/cancel": {
    allowed: OPERATORS,
    prepare: async (t) => ({ path: `/api/runs/${(await submit(t)).runId}/cancel` }),
  },
  "POST /api/runs/{id}/retry": {
    allowed: OPERATORS,
    prepare: async (t) => ({ path: `/api/runs/${(await cancelled(t)).runId}/retry` }),
  },
  "POST /api/backfills": {
    allowed: OPERATORS,
    body: { family: "Load", from: "2026-11-01", to: "2026-11-03" },
  },
  "GET /api/backfills": { allowed: READERS },
  "GET /api/backfills/{id}": {
    allowed: READERS,
    prepare: async (t) => {
      const res = await t.app.request("/api/backfills", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ family: "Load", from: "2026-11-01", to: "2026-11-02" }),
      });
      return { path: `/api/backfills/${(await res.json()).backfillId}` };
    },
  },
  "POST /api/schedules": { allowed: OPERATORS, body: NIGHTLY },
  "GET /api/schedules": { allowed: READERS },
  "GET /api/schedules/{name}": { allowed: READERS, prepare: schedule("") },
  "POST /api/schedules/{name}/pause": {
    allowed: OPERATORS,
    prepare: schedule("/pause"),
    body: { reason: "maintenance" },
  },
  "POST /api/schedules/{name}/resume": { allowed: OPERATORS, prepare: schedule("/resume") },
  "POST /api/schedules/{name}/trigger": { allowed: OPERATORS, prepare: schedule("/trigger") },
  "DELETE /api/schedules/{name}": { allowed: OPERATORS, prepare: schedule("") },
  "POST /api/hooks": {
    allowed: OPERATORS,
    body: { name: "push", family: "Load", mapping: { day: "/day" } },
  },
  "GET /api/hooks": { allowed: READERS },
  "DELETE /api/hooks/{name}": {
    allowed: OPERATORS,
    prepare: async (t) => ({ path: (await signedDelivery(t)).path }),
  },
  "POST /api/hooks/{name}": { allowed: EVERYONE, prepare: signedDelivery },
  "POST /api/triggers": { allowed: OPERATORS, body: ORDERS },
  "GET /api/triggers": { allowed: READERS },
  "GET /api/triggers/{name}": { allowed: READERS, prepare: trigger("") },
  "POST /api/triggers/{name}/pause": {
    allowed: OPERATORS,
    prepare: trigger("/pause"),
    body: { reason: "maintenance" },
  },
  "POST /api/triggers/{name}/resume": { allowed: OPERATORS, prepare: trigger("/resume") },
  "DELETE /api/triggers/{name}": { allowed: OPERATORS, prepare: trigger("") },
  "GET /api/tasks": { allowed: READERS },
  "GET /api/tasks/{id}": { allowed: READERS, prepare: submittedTask("") },
  "GET /api/tasks/{id}/logs": { allowed: READERS, prepare: submittedTask("/logs") },
  "POST /api/tasks/{id}/cancel": { allowed: OPERATORS, prepare: submittedTask("/cancel") },
  "POST /api/tasks/{id}/retry": {
    allowed: OPERATORS,
    prepare: async (t) => ({ path: `/api/tasks/${(await cancelled(t)).taskId}/retry` }),
  },
  "POST /api/tasks/{id}/done": {
    allowed: OPERATORS,
    prepare: async (t) => ({
      path: `/api/tasks/${(await submit(t)).taskId}/done`,
      body: { reason: "loaded by hand" },
    }),
  },
  "GET /api/families": { allowed: READERS },
  "GET /api/families/{name}": { allowed: READERS, prepare: () => path("/api/families/Load") },
  "POST /api/families/{name}/enable": {
    allowed: OPERATORS,
    prepare: () => path("/api/families/Load/enable"),
  },
  "GET /api/workers": { allowed: READERS },
  "POST /api/workers/{worker}/cordon": {
    allowed: OPERATORS,
    prepare: () => path("/api/workers/w/cordon"),
  },
  "POST /api/workers/{worker}/uncordon": {
    allowed: OPERATORS,
    prepare: () => path("/api/workers/w/uncordon"),
  },
  "POST /api/workers/{worker}/drain": {
    allowed: OPERATORS,
    prepare: () => path("/api/workers/w/drain"),
  },
  "GET /api/resources": { allowed: READERS },
  "PUT /api/resources/{name}": {
    allowed: ADMINS,
    prepare: () => path("/api/resources/bigquery", { limit: 3 }),
  },
  "POST /api/db/backup": {
    allowed: ADMINS,
    body: { path: "/tmp/drover-roles-test-backup.db" },
    refusedAnyway: 409,
  },
  "GET /api/db/prune": { allowed: READERS },
  "POST /api/db/prune": { allowed: ADMINS, body: {} },
  "GET /api/pauses": { allowed: READERS },
  "PUT /api/pauses/{kind}/{value}": {
    allowed: OPERATORS,
    prepare: () => path("/api/pauses/region/eu-west", { reason: "maintenance" }),
  },
  "DELETE /api/pauses/{kind}/{value}": {
    allowed: OPERATORS,
    prepare: async (t) => {
      await t.core.fleet.pause("family", "Load", null, null);
      return { path: "/api/pauses/family/Load" };
    },
  },
  "GET /api/queue": { allowed: READERS },
  "POST /api/tokens": { allowed: ADMINS, body: { role: "viewer", name: "auditor" } },
  "GET /api/tokens": { allowed: READERS },
  "DELETE /api/tokens/{id}": {
    allowed: ADMINS,
    prepare: async (t) => {
      const res = await t.app.request("/api/tokens", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ role: "worker" }),
      });
      return { path: `/api/tokens/${(await res.json()).id}` };
    },
  },
  "GET /api/audit": { allowed: AUDITORS },
  "GET /metrics": { allowed: READERS },
  "GET /api/events": { allowed: READERS },
};

function path(p: string, body?: unknown) {
  return Promise.resolve({ path: p, body });
}
