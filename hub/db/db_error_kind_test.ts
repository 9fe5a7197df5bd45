import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { openDatabase } from "./client.ts";
import { dbErrorKind } from "./db_error_kind.ts";

Deno.test("dbErrorKind() reads libSQL's code through drizzle's wrapping, and ignores domain errors", async () => {
  const database = await openDatabase(":memory:", { busyTimeoutMs: 1_000 });
  try {
    await database.db.run(sql`CREATE TABLE t (n INTEGER PRIMARY KEY)`);
    await database.db.run(sql`INSERT INTO t VALUES (1)`);
    const constraint = await database.db.run(sql`INSERT INTO t VALUES (1)`).catch((e) => e);
    assert.equal(dbErrorKind(constraint), "constraint");
    const syntax = await database.db.run(sql`SELEC 1`).catch((e) => e);
    assert.equal(dbErrorKind(syntax), "other");
  } finally {
    database.close();
  }
  const busy = Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY" });
  assert.equal(dbErrorKind(new Error("Failed query", { cause: busy })), "busy");
  assert.equal(dbErrorKind(Object.assign(new Error("x"), { code: "SQLITE_IOERR_WRITE" })), "io");
  assert.equal(
    dbErrorKind(Object.assign(new Error("x"), { code: "HRANA_WEBSOCKET_ERROR" })),
    "connection",
  );
  assert.equal(dbErrorKind(new RangeError('Task "x" is unknown')), null);
  assert.equal(dbErrorKind("not an error"), null);
});
