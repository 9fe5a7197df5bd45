import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "../../../testing/postgres.ts";
import { ConnectionCloses, reserveConnection } from "./reserve.ts";

Deno.test("a reserve waiting when its pool's connection is killed still gets a connection (postgres.js#1195)", async () => {
  await using server = await startPostgres({ name: "reserve" });
  const closes = new ConnectionCloses();
  const pool = postgres(server.url, { max: 1, onclose: closes.onClose, onnotice: () => {} });
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    const first = await reserveConnection(pool, closes);
    const [row] = await first<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const pid = row!.pid;
    // The pool's one connection is reserved: this one waits in postgres.js's queue.
    const waiting = reserveConnection(pool, closes);
    const close = closes.watch();
    await admin`SELECT pg_terminate_backend(${pid})`;
    await close.closed;
    close.cancel();
    await assert.rejects(first`SELECT 1`);
    first.release();
    // postgres.js handed the waiting reserve to the reconnect and dropped it
    // there; asked again, it comes.
    const second = await within(waiting, "the waiting reserve");
    const [one] = await second<{ one: number }[]>`SELECT 1 AS one`;
    assert.equal(one?.one, 1);
    second.release();

    // Without a close, a reserve that waits its turn is left alone.
    const third = await reserveConnection(pool, closes);
    const fourth = reserveConnection(pool, closes);
    third.release();
    (await within(fourth, "the reserve after it")).release();
    assert.deepEqual([...await pool`SELECT 2 AS two`], [{ two: 2 }]);
    // Settled reserves leave nothing waiting on the pool's closes.
    assert.equal(closes.waiting, 0);
  } finally {
    await pool.end({ timeout: 1 });
    await admin.end({ timeout: 1 });
  }
});

/** `p`, or a failure naming `what` after 30 s (a stranded promise never settles). */
async function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled`)), 30_000);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
