import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { openDatabase } from "./client.ts";
import { WriteQueue } from "./write_queue.ts";

Deno.test("WriteQueue commits writes that arrive together in one transaction", async () => {
  const dir = await Deno.makeTempDir();
  const database = await openDatabase(`file:${dir}/q.db`, { busyTimeoutMs: 1_000 });
  const queue = new WriteQueue(database);
  try {
    await queue.write((tx) => tx.run(sql`CREATE TABLE t (n INTEGER)`));
    const before = queue.stats.transactions;
    await Promise.all(
      Array.from(
        { length: 100 },
        (_, n) => queue.write((tx) => tx.run(sql`INSERT INTO t VALUES (${n})`)),
      ),
    );
    const transactions = queue.stats.transactions - before;
    assert.ok(transactions <= 2, `100 concurrent writes took ${transactions} transactions`);
    const [row] = await queue.read((db) => db.all<{ n: number }>(sql`SELECT count(*) AS n FROM t`));
    assert.equal(row!.n, 100);
  } finally {
    await queue.close();
    database.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WriteQueue rolls back only the operation that threw in a group", async () => {
  const database = await openDatabase(":memory:", { busyTimeoutMs: 1_000 });
  const queue = new WriteQueue(database);
  try {
    await queue.write((tx) => tx.run(sql`CREATE TABLE t (n INTEGER)`));
    const results = await Promise.allSettled([
      queue.write((tx) => tx.run(sql`INSERT INTO t VALUES (1)`)),
      queue.write(async (tx) => {
        await tx.run(sql`INSERT INTO t VALUES (2)`);
        throw new Error("this one fails");
      }),
      queue.write((tx) => tx.run(sql`INSERT INTO t VALUES (3)`)),
    ]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
    const rows = await queue.read((db) => db.all<{ n: number }>(sql`SELECT n FROM t ORDER BY n`));
    assert.deepEqual(rows.map((r) => r.n), [1, 3]);
  } finally {
    await queue.close();
    database.close();
  }
});

Deno.test("WriteQueue refuses writes after close", async () => {
  const database = await openDatabase(":memory:", { busyTimeoutMs: 1_000 });
  const queue = new WriteQueue(database);
  await queue.close();
  await assert.rejects(queue.write(() => Promise.resolve()), /closed/);
  database.close();
});

Deno.test("WriteQueue tries a group again when its transaction cannot begin for a busy database", async () => {
  const dir = await Deno.makeTempDir();
  const url = `file:${dir}/busy.db`;
  const holder = await openDatabase(url, { busyTimeoutMs: 100 });
  const other = await openDatabase(url, { busyTimeoutMs: 100 });
  const holding = new WriteQueue(holder);
  const retried: string[] = [];
  const errors: unknown[] = [];
  const release = Promise.withResolvers<void>();
  const queue = new WriteQueue(other, {
    onBusyRetry: (error) => {
      retried.push(String((error as Error).message));
      release.resolve();
    },
    onError: (error) => errors.push(error),
  });
  try {
    await holding.write((tx) => tx.run(sql`CREATE TABLE t (n INTEGER)`));
    const locked = Promise.withResolvers<void>();
    // Another writer holds the write lock until our first attempt has given up.
    const held = holding.write(async (tx) => {
      await tx.run(sql`INSERT INTO t VALUES (1)`);
      locked.resolve();
      await release.promise;
    });
    await locked.promise;
    await queue.write((tx) => tx.run(sql`INSERT INTO t VALUES (2)`));
    await held;
    assert.equal(retried.length, 1, "one retry");
    assert.deepEqual(errors, [], "a retried group that commits is no error");
    const rows = await queue.read((db) => db.all<{ n: number }>(sql`SELECT n FROM t ORDER BY n`));
    assert.deepEqual(rows.map((r) => r.n), [1, 2], "each write once");
  } finally {
    release.resolve();
    await holding.close();
    await queue.close();
    holder.close();
    other.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WriteQueue gives up after its busy retries, reports the error once, and its next write commits", async () => {
  const dir = await Deno.makeTempDir();
  const url = `file:${dir}/busy.db`;
  const holder = await openDatabase(url, { busyTimeoutMs: 50 });
  const other = await openDatabase(url, { busyTimeoutMs: 50 });
  const holding = new WriteQueue(holder);
  let retries = 0;
  const errors: unknown[] = [];
  const queue = new WriteQueue(other, {
    busyRetries: 1,
    onBusyRetry: () => retries++,
    onError: (error) => errors.push(error),
  });
  const release = Promise.withResolvers<void>();
  try {
    await holding.write((tx) => tx.run(sql`CREATE TABLE t (n INTEGER)`));
    const locked = Promise.withResolvers<void>();
    const held = holding.write(async (tx) => {
      await tx.run(sql`INSERT INTO t VALUES (1)`);
      locked.resolve();
      await release.promise;
    });
    await locked.promise;
    await assert.rejects(queue.write((tx) => tx.run(sql`INSERT INTO t VALUES (2)`)));
    release.resolve();
    await held;
    assert.equal(retries, 1);
    assert.equal(errors.length, 1);
    assert.equal(queue.stats.failedCommits, 1);
    // The connection that saw the busy BEGIN is not reused: the next write commits.
    await queue.write((tx) => tx.run(sql`INSERT INTO t VALUES (3)`));
    const rows = await queue.read((db) => db.all<{ n: number }>(sql`SELECT n FROM t ORDER BY n`));
    assert.deepEqual(rows.map((r) => r.n), [1, 3]);
  } finally {
    release.resolve();
    await holding.close();
    await queue.close();
    holder.close();
    other.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WriteQueue tells commit listeners of each commit that wrote, not of queued reads", async () => {
  const database = await openDatabase(":memory:", { busyTimeoutMs: 1_000 });
  const queue = new WriteQueue(database);
  try {
    let heard = 0;
    const remove = queue.addCommitListener(() => heard++);
    await queue.write((tx) => tx.run(sql`CREATE TABLE t (n INTEGER)`));
    assert.equal(heard, 1);
    await queue.read((db) => db.all(sql`SELECT n FROM t`));
    assert.equal(heard, 1, "a read queued on the only connection is no commit to hear of");
    await Promise.all([
      queue.read((db) => db.all(sql`SELECT n FROM t`)),
      queue.write((tx) => tx.run(sql`INSERT INTO t VALUES (1)`)),
    ]);
    assert.equal(heard, 2, "a group with a write is");
    remove();
    await queue.write((tx) => tx.run(sql`INSERT INTO t VALUES (2)`));
    assert.equal(heard, 2, "a removed listener hears nothing");
  } finally {
    await queue.close();
    database.close();
  }
});

Deno.test("WriteQueue starts a new transaction once a group has held the database for groupMs", async () => {
  const database = await openDatabase(":memory:", { busyTimeoutMs: 1_000 });
  const queue = new WriteQueue(database, { groupMs: 25 });
  try {
    await queue.write((tx) => tx.run(sql`CREATE TABLE t (n INTEGER)`));
    const before = queue.stats.transactions;
    const slow = (n: number) =>
      queue.write(async (tx) => {
        await tx.run(sql`INSERT INTO t VALUES (${n})`);
        const until = performance.now() + 10;
        while (performance.now() < until) { /* holds the transaction 10 ms */ }
        return n;
      });
    const done = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(slow));
    assert.deepEqual(done, [1, 2, 3, 4, 5, 6, 7, 8], "each resolves with its own value, in order");
    const transactions = queue.stats.transactions - before;
    // 10 ms each, a group stops after 25 ms: three operations a group at most.
    assert.ok(transactions >= 3, `8 operations of 10 ms took ${transactions} transactions`);
    const rows = await queue.read((db) => db.all<{ n: number }>(sql`SELECT n FROM t ORDER BY n`));
    assert.deepEqual(rows.map((r) => r.n), [1, 2, 3, 4, 5, 6, 7, 8]);
  } finally {
    await queue.close();
    database.close();
  }
});
