import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "../../../testing/postgres.ts";
import { startAutoAnalyze } from "./auto_analyze.ts";

Deno.test("a table that changed by more than the threshold is analyzed, once", async () => {
  await using server = await startPostgres({ name: "analyze" });
  const sql = postgres(server.url, { max: 1, onnotice: () => {} });
  const keeper = startAutoAnalyze(() => Promise.resolve(sql), { everyMs: 60_000 });
  try {
    await sql.unsafe("CREATE TABLE small (id int PRIMARY KEY)");
    await sql.unsafe("CREATE TABLE big (id int PRIMARY KEY)");
    await sql.unsafe("INSERT INTO small SELECT generate_series(1, 100)");
    await sql.unsafe("INSERT INTO big SELECT generate_series(1, 5000)");
    await sql.unsafe("SELECT pg_stat_force_next_flush()");
    await sql.unsafe("SELECT 1");
    assert.deepEqual(await keeper.check(), ["big"]);
    const [row] = await sql.unsafe<{ reltuples: number }[]>(
      "SELECT reltuples FROM pg_class WHERE relname = 'big'",
    );
    assert.equal(Number(row!.reltuples), 5000);
    // 10 % of 5,000 plus 200 more rows are needed before the next analysis.
    await sql.unsafe("INSERT INTO big SELECT generate_series(5001, 5600)");
    await sql.unsafe("SELECT pg_stat_force_next_flush()");
    await sql.unsafe("SELECT 1");
    assert.deepEqual(await keeper.check(), []);
    await sql.unsafe("INSERT INTO big SELECT generate_series(5601, 5800)");
    await sql.unsafe("SELECT pg_stat_force_next_flush()");
    await sql.unsafe("SELECT 1");
    assert.deepEqual(await keeper.check(), ["big"]);
  } finally {
    await keeper.stop();
    await sql.end();
  }
});
