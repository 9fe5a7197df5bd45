/**
 * An in-memory hub app for route tests: a `:memory:` database, the service
 * layer (timers not started), a worker's hello registering `families`, and
 * an admin token that `app.request` sends unless the request has its own
 * Authorization header.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenRole } from "../shared/api_schemas_admin.ts";
import { familyInfo } from "../shared/family_info.ts";
import { silentLogger } from "../shared/log.ts";
import type { TaskFamily } from "../shared/task.ts";
import { type AppDeps, createHubApp } from "./app.ts";
import { HubCore, type HubCoreDeps } from "./core/hub_core.ts";
import type { WorkerLink } from "./core/worker_links.ts";
import type { Database } from "./db/client.ts";
import { openTestDatabase } from "./db/test_database.ts";
import type { ApiRouter } from "./http/router.ts";

/** Requests to the app, as an admin unless the request says otherwise. */
export interface TestRequester {
  request(path: string, init?: RequestInit): Promise<Response>;
}

/** The app, its service layer and database, disposed together. */
export interface TestApp extends AsyncDisposable {
  app: TestRequester;
  /** The app itself (requests carry no token). */
  raw: OpenAPIHono;
  api: ApiRouter;
  core: HubCore;
  database: Database;
  adminToken: string;
  /** Creates a token with `role`. */
  token(role: TokenRole): Promise<string>;
}

/** Builds an app whose registry knows `families`; `options` sets the UI's sign-in settings. */
export async function testApp(
  // deno-lint-ignore no-explicit-any
  families: readonly TaskFamily<any, any>[],
  options: Pick<AppDeps, "ui" | "peerAddress"> & {
    /** A database of the caller's (closed with the app) instead of a fresh one. */
    database?: Database;
    events?: HubCoreDeps["events"];
    hubId?: string;
    /** The hub's clock (default `Date.now`). */
    now?: () => number;
    openTriggerSource?: HubCoreDeps["openTriggerSource"];
  } = {},
): Promise<TestApp> {
  const database = options.database ?? await openTestDatabase();
  const core = new HubCore({
    database,
    events: options.events,
    hubId: options.hubId ?? "h",
    now: options.now,
    openTriggerSource: options.openTriggerSource,
    hubUrl: () => "http://x",
    leaseTtlMs: 1_000,
    log: silentLogger,
    metrics: true,
  });
  const link: WorkerLink = {
    workerId: "w",
    name: "w",
    labels: {},
    families: [],
    free: 0,
    grantsSent: 0,
    send: () => true,
    close: () => {},
  };
  await core.workers.hello(link, {
    type: "hello",
    protocol: 1,
    workerId: "w",
    name: "w",
    version: "t",
    labels: {},
    slots: 1,
    families: families.map(familyInfo),
    leases: [],
  });
  const { app, api } = createHubApp({
    core,
    log: silentLogger,
    ui: options.ui,
    peerAddress: options.peerAddress,
  });
  const token = async (role: TokenRole) =>
    (await core.fleet.createToken({ role, scope: {}, name: `test ${role}` })).token;
  const adminToken = await token("admin");
  return {
    app: {
      request(path, init = {}) {
        const headers = new Headers(init.headers);
        if (!headers.has("authorization")) headers.set("authorization", `Bearer ${adminToken}`);
        return Promise.resolve(app.request(path, { ...init, headers }));
      },
    },
    raw: app,
    api,
    core,
    database,
    adminToken,
    token,
    async [Symbol.asyncDispose]() {
      await core.events.close();
      await core.triggers.stop();
      await core.dispatcher.stop();
      await core.queue.close();
      database.close();
    },
  };
}
