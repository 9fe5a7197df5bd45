import assert from "node:assert/strict";
import { startPostgres } from "../../../testing/postgres.ts";
import { backupDatabase } from "../../core/backup_database.ts";
import { RequestError } from "../../core/request_error.ts";
import { openDatabase } from "../client.ts";

Deno.test("PostgreSQL behind the libSQL interface: rows, typed arguments, transactions", async (t) => {
  await using server = await startPostgres({ name: "client" });
  const database = await openDatabase(server.url, { busyTimeoutMs: 1_000 });
  const { client } = database;
  try {
    await t.step(
      "rows are indexed and named, integers are numbers, columns named alike keep their places",
      async () => {
        const rs = await client.execute({
          sql: "SELECT ? AS a, NULL, CAST(? AS TEXT), count(*) AS n FROM events",
          args: [1_796_421_066_860, 7],
        });
        const row = rs.rows[0]!;
        assert.deepEqual(Array.from({ length: 4 }, (_, i) => row[i]), [
          1_796_421_066_860,
          null,
          "7",
          0,
        ]);
        assert.equal(row.a, 1_796_421_066_860);
        assert.deepEqual(Object.keys(row).sort(), ["?column?", "a", "n", "text"]);
      },
    );

    await t.step("a write transaction rolls back whole, a savepoint alone", async () => {
      const tx = await client.transaction("write");
      await tx.execute({
        sql: "INSERT INTO hubs (id, url, started_at, heartbeat_at) VALUES (?, ?, ?, ?)",
        args: ["h1", "http://x", 1, 1],
      });
      await tx.rollback();
      const kept = await client.transaction("write");
      await kept.execute({
        sql: "INSERT INTO hubs (id, url, started_at, heartbeat_at) VALUES (?, ?, ?, ?)",
        args: ["h2", "http://x", 1, 1],
      });
      await kept.execute("SAVEPOINT sp0");
      await kept.execute({ sql: "DELETE FROM hubs WHERE id = ?", args: ["h2"] });
      await kept.execute("ROLLBACK TO SAVEPOINT sp0");
      await kept.commit();
      const ids = (await client.execute("SELECT id FROM hubs ORDER BY id")).rows.map((r) => r.id);
      assert.deepEqual(ids, ["h2"]);
    });

    await t.step("booleans are stored as 1 and 0, as libSQL stores them", async () => {
      const rs = await client.execute({
        sql: "SELECT ? + 0 AS yes, ? + 0 AS no",
        args: [true, false],
      });
      assert.deepEqual([rs.rows[0]!.yes, rs.rows[0]!.no], [1, 0]);
    });

    await t.step("U+0000, which PostgreSQL's text cannot hold, is stored as U+FFFD", async () => {
      const rs = await client.execute({
        sql:
          "SELECT ? AS text, ? AS big, (SELECT group_concat(value, '|') FROM json_each(?)) AS json",
        args: ["a\0b", 1e21, JSON.stringify(["c\0d", "\\u0000"])],
      });
      assert.deepEqual({ ...rs.rows[0] }, {
        text: "a\uFFFDb",
        big: 1e21,
        json: "c\uFFFDd|\\u0000",
      });
    });

    await t.step("a backup is refused with the tools to use instead", async () => {
      await assert.rejects(
        backupDatabase(database, "/tmp/never.db"),
        (e) => e instanceof RequestError && e.status === 409 && /pg_dump/.test(e.message),
      );
    });
  } finally {
    database.close();
  }
});

Deno.test("a commit PostgreSQL turns into a rollback (a statement had failed) is an error, not a success", async () => {
  await using server = await startPostgres({ name: "aborted" });
  const database = await openDatabase(server.url, { busyTimeoutMs: 1_000 });
  try {
    const tx = await database.client.transaction("write");
    await tx.execute({
      sql: "INSERT INTO hubs (id, url, started_at, heartbeat_at) VALUES (?, ?, ?, ?)",
      args: ["h1", "http://x", 1, 1],
    });
    await assert.rejects(tx.execute("SELECT no_such_column FROM hubs"));
    await assert.rejects(tx.commit(), /rolled the transaction back at COMMIT/);
    const rows = (await database.client.execute("SELECT id FROM hubs")).rows;
    assert.equal(rows.length, 0, "nothing of it was written");
  } finally {
    database.close();
  }
});
