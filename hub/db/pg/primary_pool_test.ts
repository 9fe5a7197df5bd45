import assert from "node:assert/strict";
import { isConnectionLoss, openPrimaryPool, splitHosts } from "./primary_pool.ts";
import { startPostgres } from "../../../testing/postgres.ts";
import { commitOutcomeUnknown, dbErrorKind } from "../db_error_kind.ts";

Deno.test("a multi-host URL splits into one URL per host, without target_session_attrs", () => {
  const { hosts, hostUrls } = splitHosts(
    "postgresql://u:p%40ss@db1:5432,db2:6543,[::1]:5433/drover?target_session_attrs=read-write&sslmode=require",
  );
  assert.deepEqual(hosts, ["db1:5432", "db2:6543", "[::1]:5433"]);
  assert.deepEqual(hostUrls, [
    "postgresql://u:p%40ss@db1:5432/drover?sslmode=require",
    "postgresql://u:p%40ss@db2:6543/drover?sslmode=require",
    "postgresql://u:p%40ss@[::1]:5433/drover?sslmode=require",
  ]);
  assert.deepEqual(splitHosts("postgres://db/x").hostUrls, ["postgres://db/x"]);
  assert.throws(() => splitHosts("mysql://db/x"), /Not a postgres:\/\/ URL/);
});

Deno.test("lost connections, standbys and shutdowns are connection losses; SQL errors are not", () => {
  for (const code of ["CONNECTION_CLOSED", "ECONNREFUSED", "08006", "57P01", "25006"]) {
    assert.ok(isConnectionLoss({ code }), code);
    assert.equal(dbErrorKind(Object.assign(new Error(code), { code })), "connection", code);
  }
  for (const code of ["23505", "42P01", undefined]) assert.ok(!isConnectionLoss({ code }));
  assert.equal(dbErrorKind(Object.assign(new Error("dup"), { code: "23505" })), "constraint");
  const unknown = Object.assign(new Error("lost at COMMIT", { cause: { code: "EPIPE" } }), {
    code: "COMMIT_UNKNOWN",
  });
  assert.ok(commitOutcomeUnknown(new Error("wrapped", { cause: unknown })));
});

Deno.test("the primary is the first host that is not in recovery; none gives one clear error", async () => {
  await using server = await startPostgres({ name: "primary-pool" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dead = `127.0.0.1:${listener.addr.port}`; // nothing listens there once closed
  listener.close();
  const url = server.url.replace(`127.0.0.1:${server.port}`, `${dead},127.0.0.1:${server.port}`);
  const pool = openPrimaryPool(url, { connect_timeout: 2, onnotice: () => {} } as never);
  try {
    const sql = await pool.current();
    const [row] = await sql.unsafe<{ port: number }[]>(
      "SELECT current_setting('port')::int AS port",
    );
    assert.equal(row!.port, server.port);
    assert.equal(await pool.current(), sql, "kept while it works");
  } finally {
    await pool.end();
  }
  const none = openPrimaryPool(`postgres://drover@${dead}/drover`, { connect_timeout: 2 } as never);
  await assert.rejects(none.current(), (error: Error & { code?: string }) => {
    assert.equal(error.code, "NO_PRIMARY");
    assert.match(error.message, new RegExp(`No primary among the database hosts \\(${dead}: `));
    return true;
  });
  await none.end();
});
