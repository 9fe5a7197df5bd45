/**
 * An in-memory hub app for route tests: a `:memory:` database, a scheduler
 * (timers not started), a worker's hello registering `families`, and an
 * admin token that `app.request` sends unless the request has its own
 * Authorization header.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiRouter } from "./http/router.ts";
import { familyInfo } from "../shared/family_info.ts";
import { silentLogger } from "../shared/log.ts";
import type { TaskFamily } from "../shared/task.ts";
import { createHubApp } from "./app.ts";
import { type Database, openDatabase } from "./db/client.ts";
import { Scheduler, type WorkerLink } from "./core/scheduler.ts";
import { createToken, type TokenRole } from "./ops/tokens.ts";

/** Requests to the app, as an admin unless the request says otherwise. */
export interface TestRequester {
  request(path: string, init?: RequestInit): Promise<Response>;
}

/** The app, its scheduler and database, disposed together. */
export interface TestApp extends AsyncDisposable {
  app: TestRequester;
  /** The app itself (requests carry no token). */
  raw: OpenAPIHono;
  api: ApiRouter;
  scheduler: Scheduler;
  database: Database;
  adminToken: string;
  /** Creates a token with `role`. */
  token(role: TokenRole): Promise<string>;
}

/** Builds an app whose registry knows `families`. */
// deno-lint-ignore no-explicit-any
export async function testApp(families: readonly TaskFamily<any, any>[]): Promise<TestApp> {
  const database = await openDatabase(":memory:", { busyTimeoutMs: 1_000 });
  const scheduler = new Scheduler({
    database,
    hubId: "h",
    hubUrl: "http://x",
    leaseTtlMs: 1_000,
    log: silentLogger,
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
  await scheduler.hello(link, {
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
  const { app, api } = createHubApp({ scheduler, log: silentLogger });
  const token = async (role: TokenRole) =>
    (await scheduler.queue.write((tx) =>
      createToken(tx, { role, scope: {}, name: `test ${role}`, now: scheduler.now() })
    )).token;
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
    scheduler,
    database,
    adminToken,
    token,
    async [Symbol.asyncDispose]() {
      await scheduler.queue.close();
      database.close();
    },
  };
}
