import assert from "node:assert/strict";
import { migrationsFolder, openDatabase, redactUrl } from "./client.ts";

Deno.test("migrationsFolder() decodes a checkout path with a space in it", () => {
  assert.equal(
    migrationsFolder("file:///home/me/My%20Projects/drover/hub/db/client.ts"),
    "/home/me/My Projects/drover/migrations",
  );
});

Deno.test("the hub migrates a database file whose directory name has a space", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover with space " });
  try {
    const database = await openDatabase(`file:${dir}/sub dir/hub.db`, { busyTimeoutMs: 1_000 });
    try {
      const rows = await database.client.execute("SELECT count(*) AS n FROM tasks");
      assert.equal(Number(rows.rows[0]!.n), 0);
    } finally {
      database.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redactUrl() hides credentials", () => {
  assert.equal(
    redactUrl("libsql://db.turso.io?authToken=abc"),
    "libsql://db.turso.io?authToken=***",
  );
  assert.equal(redactUrl("https://user:pw@sqld:8080"), "https://***@sqld:8080");
});
