/**
 * An in-memory hub app for route tests: a `:memory:` database, a scheduler
 * (timers not started) and a worker's hello registering `families`.
 */
import type { Hono } from "hono";
import { familyInfo } from "../shared/family_info.ts";
import { silentLogger } from "../shared/log.ts";
import type { TaskFamily } from "../shared/task.ts";
import { createApp } from "./app.ts";
import { type Database, openDatabase } from "./db/client.ts";
import { Scheduler, type WorkerLink } from "./scheduler/scheduler.ts";

/** The app, its scheduler and database, disposed together. */
export interface TestApp extends AsyncDisposable {
  app: Hono;
  scheduler: Scheduler;
  database: Database;
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
  return {
    app: createApp({ scheduler, log: silentLogger }),
    scheduler,
    database,
    async [Symbol.asyncDispose]() {
      await scheduler.queue.close();
      database.close();
    },
  };
}
