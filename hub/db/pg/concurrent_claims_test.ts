/**
 * Two hubs on one PostgreSQL database, each with its own connections: their
 * claims run side by side (the write lock shared, ready rows taken with
 * `FOR UPDATE SKIP LOCKED`), other writes wait for them, a resource's last
 * unit goes to one claim only, and the event horizon never passes an event
 * still being committed.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { startPostgres } from "../../../testing/postgres.ts";
import { type ClaimedTask, claimTasksForMany } from "../../ops/claim_tasks.ts";
import { foldRunCounts } from "../../ops/fold_run_counts.ts";
import { insertTask } from "../../ops/test_db.ts";
import { claim } from "../../ops/test_ops.ts";
import { type Database, openDatabase, type Tx } from "../client.ts";
import { WriteQueue } from "../write_queue.ts";
import { dbErrorKind } from "../db_error_kind.ts";
import { eventHorizon } from "./event_horizon.ts";
import type { PostgresClient } from "./libsql_client.ts";

/** A write transaction that runs `work`, then stays open until released. */
function hold<T>(database: Database, work: (tx: Tx) => Promise<T>, shared = true) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const { promise: ran, resolve, reject } = Promise.withResolvers<T>();
  const start = () =>
    database.db.transaction(async (tx) => {
      try {
        resolve(await work(tx));
      } catch (error) {
        reject(error);
        throw error;
      }
      await gate;
    });
  const committed = shared ? database.sharedWrites!(start) : start();
  return { ran, release, committed };
}

/** Settles with `promise`, or fails the test if that takes longer than 10 s (it would hang). */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after 10 s`)), 10_000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Resolves once a session of this database waits for an advisory lock. */
async function someoneWaitsForTheLock(database: Database): Promise<void> {
  const primary = await (database.client as PostgresClient).primary();
  for (let i = 0; i < 1_000; i++) {
    const [row] = await primary<{ n: number }[]>`
      SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`;
    if (Number(row?.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("no session waited for the write lock");
}

const claimFor = (workerId: string, limit: number) => (tx: Tx): Promise<ClaimedTask[]> =>
  claimTasksForMany(tx, { now: 1_000, ttlMs: 500, takers: [claim(workerId, { limit })] })
    .then((r) => r[0]!);

Deno.test("PostgreSQL: the claims of two hubs run side by side, and exclude other writes", async (t) => {
  await using server = await startPostgres({ name: "claims" });
  const a = await openDatabase(server.url, { busyTimeoutMs: 1_000 });
  const b = await openDatabase(server.url, { busyTimeoutMs: 1_000 });
  // The tasks of one run: every claim changes the run's counts of ready and leased tasks.
  const seed = (ids: string[], extra: (tx: Tx) => Promise<unknown> = async () => {}) =>
    a.db.transaction(async (tx) => {
      for (const table of ["run_tasks", "runs", "run_counts", "attempts", "tasks"]) {
        await tx.run(sql.raw(`DELETE FROM ${table}`));
      }
      await tx.run(sql`INSERT INTO runs (id, root_task_id, family, params, state, created_at)
        VALUES ('run', 'root', 'Root', '{}', 'running', 0)`);
      for (const [i, id] of ids.entries()) {
        await insertTask(tx, { id, createdAt: i });
        await tx.run(sql`INSERT INTO run_tasks (run_id, task_id) VALUES ('run', ${id})`);
      }
      await extra(tx);
    });
  const counts = () =>
    a.db.all<{ state: string; n: number }>(
      sql`SELECT state, n FROM run_counts WHERE run_id = 'run' AND n > 0 ORDER BY state`,
    );
  try {
    await t.step("a claim on one hub does not wait for another hub's open claim", async () => {
      await seed(Array.from({ length: 10 }, (_, i) => `t${i}`));
      const first = hold(a, claimFor("wa", 4));
      const mine = await within(first.ran, "the first claim");
      // Hub A's claim is still open, holding its four rows: hub B's goes past them.
      const theirs = await within(
        b.sharedWrites!(() => b.db.transaction(claimFor("wb", 4))),
        "a claim while another hub's claim was open",
      );
      first.release();
      await first.committed;
      assert.deepEqual(mine.map((c) => c.id), ["t0", "t1", "t2", "t3"]);
      assert.deepEqual(theirs.map((c) => c.id), ["t4", "t5", "t6", "t7"]);
      const rows = await a.db.all<{ owner: string; n: number; epochs: number }>(sql`
        SELECT lease_owner AS owner, count(*) AS n, max(lease_epoch) AS epochs FROM tasks
        WHERE state = 'leased' GROUP BY lease_owner ORDER BY lease_owner`);
      assert.deepEqual(rows, [{ owner: "wa", n: 4, epochs: 1 }, { owner: "wb", n: 4, epochs: 1 }]);
      const [attempts] = await a.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM attempts`);
      assert.equal(attempts!.n, 8);
      // The claims appended their counts beside the run's; a later write folds them in.
      const expected = [{ state: "leased", n: 8 }, { state: "ready", n: 2 }];
      assert.deepEqual(await counts(), expected);
      const queue = new WriteQueue(a);
      await queue.write(foldRunCounts);
      await queue.close();
      assert.deepEqual(await counts(), expected);
      const [deltas] = await a.db.all<{ n: number }>(
        sql`SELECT count(*) AS n FROM run_count_deltas`,
      );
      assert.equal(deltas!.n, 0);
    });

    await t.step("a claim's events wake the other hubs once it committed", async () => {
      await seed(["n0"]);
      const woken = Promise.withResolvers<void>();
      const stop = b.onEvents!(() => woken.resolve());
      try {
        // The listener is in place once a notification reaches it.
        const primary = await (a.client as PostgresClient).primary();
        let listening = false;
        void woken.promise.then(() => listening = true);
        for (let i = 0; i < 200 && !listening; i++) {
          await primary`SELECT pg_notify('drover_events', '')`;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await within(woken.promise, "the first notification");
        const again = Promise.withResolvers<void>();
        const stop2 = b.onEvents!(() => again.resolve());
        const claimed = await a.sharedWrites!(() => a.db.transaction(claimFor("wa", 1)));
        assert.equal(claimed.length, 1);
        await within(again.promise, "the claim's notification");
        stop2();
      } finally {
        stop();
      }
    });

    await t.step("any other write waits until the open claims commit", async () => {
      await seed(["u0", "u1"]);
      const open = hold(a, claimFor("wa", 1));
      await within(open.ran, "the claim");
      let written = false;
      const write = b.db.transaction(async (tx) => {
        await tx.run(sql`UPDATE tasks SET priority = 5 WHERE id = 'u1'`);
        written = true;
      });
      await within(someoneWaitsForTheLock(a), "the other write waiting");
      assert.equal(written, false);
      open.release();
      await open.committed;
      await within(write, "the other write after the claim");
      assert.equal(written, true);
    });

    await t.step("a resource's last unit goes to one claim only", async () => {
      // Hub A's claim locks the four candidates it reads (r0 to r3): hub B's reads r4 and r5.
      await seed(["r0", "r1", "r2", "r3", "r4", "r5"], async (tx) => {
        await tx.run(sql`UPDATE tasks SET resources = '{"db":1}'`);
        await tx.run(sql`DELETE FROM resource_limits`);
        await tx.run(
          sql`INSERT INTO resource_limits (name, "limit", updated_at) VALUES ('db', 1, 0)`,
        );
      });
      const first = hold(a, claimFor("wa", 1));
      assert.deepEqual((await within(first.ran, "the first claim")).map((c) => c.id), ["r0"]);
      const second = b.sharedWrites!(() => b.db.transaction(claimFor("wb", 3)));
      await within(someoneWaitsForTheLock(a), "the second claim waiting for the resources");
      first.release();
      await first.committed;
      assert.deepEqual(await within(second, "the second claim"), []);
    });

    await t.step("the event horizon stops before an event still being committed", async () => {
      await seed([]);
      const horizon = eventHorizon(() => (a.client as PostgresClient).primary(), { waitMs: 50 });
      const before = await horizon();
      // Hub A inserts a task (its task.created event takes the next id) and stays open.
      const open = hold(a, async (tx) => {
        await insertTask(tx, { id: "e0" });
        const [row] = await tx.all<{ id: number }>(sql`SELECT max(id) AS id FROM events`);
        return row!.id;
      });
      const pending = await within(open.ran, "the open insert");
      // Hub B commits a later event meanwhile.
      await b.sharedWrites!(() => b.db.transaction((tx) => insertTask(tx, { id: "e1" })));
      const [newest] = await b.db.all<{ id: number }>(sql`SELECT max(id) AS id FROM events`);
      assert.ok(newest!.id > pending);
      const held = await horizon();
      assert.ok(held >= before && held < pending, `horizon ${held}, open event ${pending}`);
      open.release();
      await open.committed;
      assert.equal(await horizon(), newest!.id);
    });

    await t.step(
      "the write queue puts claims in groups of their own, which take the lock shared",
      async () => {
        const queue = new WriteQueue(a);
        const mode = (tx: Tx) =>
          tx.all<{ mode: string }>(sql`SELECT mode FROM pg_locks
          WHERE locktype = 'advisory' AND pid = pg_backend_pid()`).then((r) =>
            r.map((m) => m.mode)
          );
        const modes = await Promise.all([
          queue.write(mode),
          queue.write(mode, { shared: true }),
          queue.write(mode, { shared: true }),
          queue.write(mode),
        ]);
        await queue.close();
        assert.deepEqual(modes, [["ExclusiveLock"], ["ShareLock"], ["ShareLock"], [
          "ExclusiveLock",
        ]]);
        assert.equal(queue.stats.transactions, 3);
      },
    );

    await t.step("claims that deadlock are tried again", async () => {
      await seed(["d0", "d1"]);
      const conflicts: unknown[] = [];
      const onError = (error: unknown) => conflicts.push(error);
      const qa = new WriteQueue(a, { onError });
      const qb = new WriteQueue(b, { onError });
      const locked = { a: Promise.withResolvers<void>(), b: Promise.withResolvers<void>() };
      // Each takes one row, then (the first time) waits until the other holds
      // its own, then asks for the other's: PostgreSQL breaks the deadlock.
      const crossed = (mine: "a" | "b", first: string, second: string) => {
        let tries = 0;
        return async (tx: Tx) => {
          await tx.run(sql`UPDATE tasks SET priority = priority + 1 WHERE id = ${first}`);
          if (tries++ === 0) {
            locked[mine].resolve();
            await locked[mine === "a" ? "b" : "a"].promise;
          }
          await tx.run(sql`UPDATE tasks SET priority = priority + 1 WHERE id = ${second}`);
          return tries;
        };
      };
      const tries = await within(
        Promise.all([
          qa.write(crossed("a", "d0", "d1"), { shared: true }),
          qb.write(crossed("b", "d1", "d0"), { shared: true }),
        ]),
        "the crossed writes",
      );
      await Promise.all([qa.close(), qb.close()]);
      assert.deepEqual(tries.toSorted(), [1, 2]);
      assert.equal(conflicts.length, 1);
      assert.equal(dbErrorKind(conflicts[0]), "conflict");
      assert.match(String((conflicts[0] as Error).cause), /deadlock detected/);
      const rows = await a.db.all<{ p: number }>(sql`SELECT priority AS p FROM tasks ORDER BY id`);
      assert.deepEqual(rows, [{ p: 2 }, { p: 2 }]);
    });
  } finally {
    a.close();
    b.close();
  }
});
