import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "./postgres.ts";

Deno.test("startPostgres() runs a throwaway cluster that takes connections, and stops it by its PID", async () => {
  const server = await startPostgres({ name: "harness" });
  let dataDir = "";
  try {
    dataDir = server.dataDir;
    assert.match(server.url, /^postgres:\/\/drover@127\.0\.0\.1:\d+\/drover$/);
    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`SELECT current_user AS who, current_database() AS db, 1 + 1 AS two`;
      assert.deepEqual({ ...row }, { who: "drover", db: "drover", two: 2 });
    } finally {
      await sql.end();
    }
    await server.stop();
    assert.throws(
      () => Deno.kill(server.pid, "SIGCONT"),
      Deno.errors.NotFound,
      "the server is gone",
    );
  } finally {
    await server[Symbol.asyncDispose]();
  }
  await assert.rejects(Deno.stat(dataDir), Deno.errors.NotFound, "its directory is removed");
});
