/**
 * The target contract on SqlTableTarget, against a real PostgreSQL and a
 * libSQL file: stage → commit twice → the rows once; stage → discard →
 * nothing; a restarted worker commits from a description; a stale attempt
 * inserts nothing; a row that breaks the contract is refused before staging.
 */
import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import postgres from "postgres";
import { z } from "zod";
import { PermanentError } from "../shared/errors.ts";
import { startPostgres } from "../testing/postgres.ts";
import {
  closeSqlDatabases,
  MARKERS,
  restoreSqlStaged,
  SQL_KIND,
  SqlTableTarget,
} from "./sql_table_target.ts";

const Count = z.strictObject({ day: z.iso.date(), kind: z.string(), n: z.int().min(0) });

type Query = (text: string) => Promise<Record<string, unknown>[]>;

async function contract(t: Deno.TestContext, url: string, query: Query, dir: string) {
  const target = (key: string, options: { urlEnv?: string } = {}) =>
    new SqlTableTarget({
      ...(options.urlEnv ? { urlEnv: options.urlEnv } : { url }),
      table: "event_counts",
      key,
      rows: Count,
      stagingDir: `${dir}/staging`,
    });
  const rowsOf = async (day: string) =>
    (await query(`SELECT day, kind, n FROM event_counts WHERE day = '${day}' ORDER BY kind`))
      .map((r) => `${r.kind}=${r.n}`);
  const lines = (day: string, counts: Record<string, number>) =>
    Object.entries(counts).map(([kind, n]) => JSON.stringify({ day, kind, n })).join("\n");
  const staged = async () => {
    try {
      return (await Array.fromAsync(Deno.readDir(`${dir}/staging`))).length;
    } catch {
      return 0;
    }
  };

  await t.step("stage, commit twice: the rows once, one marker, nothing staged", async () => {
    const out = target("2026-12-01");
    assert.equal(out.uri, "sql://event_counts/2026-12-01");
    assert.equal(await out.exists(), false);
    const s = out.stage("LoadCounts_1@e2");
    await s.write(lines("2026-12-01", { view: 3, click: 1 }));
    assert.deepEqual(await rowsOf("2026-12-01"), [], "staged rows are not in the table");
    await s.commit();
    await s.commit();
    assert.deepEqual(await rowsOf("2026-12-01"), ["click=1", "view=3"]);
    assert.equal(await out.exists(), true);
    assert.equal(await out.count(), 2);
    assert.equal(await staged(), 0);
  });

  await t.step("stage, discard: nothing, not even a write a kill cut short", async () => {
    const out = target("2026-12-02");
    const s = out.stage("LoadCounts_2@e1");
    await s.write(lines("2026-12-02", { view: 1 }));
    // What a process killed inside write() leaves: the temporary file beside the staged one.
    const file = s.describe().staging;
    await Deno.writeTextFile(`${file}.tmp-1a2b3c4d`, "half a row");
    await s.discard();
    await s.discard();
    assert.equal(await out.exists(), false);
    assert.deepEqual(await rowsOf("2026-12-02"), []);
    assert.equal(await staged(), 0);
  });

  await t.step("a restarted worker commits staged rows from their description", async () => {
    Deno.env.set("DROVER_TEST_WAREHOUSE", url);
    const out = target("2026-12-03", { urlEnv: "DROVER_TEST_WAREHOUSE" });
    const s = out.stage("LoadCounts_3@e1");
    await s.write(lines("2026-12-03", { buy: 7 }));
    const description = JSON.parse(JSON.stringify(s.describe()));
    assert.equal(description.kind, SQL_KIND);
    assert.equal(description.options.urlEnv, "DROVER_TEST_WAREHOUSE");
    assert.equal(JSON.stringify(description).includes(url), false, "the URL stays in its variable");
    const again = restoreSqlStaged(description);
    await again.commit();
    await again.commit();
    assert.deepEqual(await rowsOf("2026-12-03"), ["buy=7"]);
  });

  await t.step("a stale attempt's rows are never inserted", async () => {
    const out = target("2026-12-04");
    const stale = out.stage("LoadCounts_4@e1");
    const current = out.stage("LoadCounts_4@e2");
    await stale.write(lines("2026-12-04", { view: 999 }));
    await current.write(lines("2026-12-04", { view: 4 }));
    await current.commit();
    // A zombie that committed anyway finds the marker: nothing goes in.
    await stale.commit();
    assert.deepEqual(await rowsOf("2026-12-04"), ["view=4"]);
    const markers = await query(`SELECT target, attempt FROM ${MARKERS} ORDER BY target`);
    assert.deepEqual(markers.map((m) => `${m.target} ${m.attempt}`), [
      "event_counts/2026-12-01 LoadCounts_1-e2",
      "event_counts/2026-12-03 LoadCounts_3-e1",
      "event_counts/2026-12-04 LoadCounts_4-e2",
    ]);
    assert.equal(await staged(), 0);
  });

  await t.step("eight loads of one process commit at once", async () => {
    const days = Array.from({ length: 8 }, (_, i) => `2026-11-${String(i + 10).padStart(2, "0")}`);
    const outs = days.map((day) => target(day).stage(`LoadCounts_${day}@e1`));
    await Promise.all(outs.map((s, i) => s.write(lines(days[i]!, { view: i }))));
    await Promise.all(outs.map((s) => s.commit()));
    for (const [i, day] of days.entries()) assert.deepEqual(await rowsOf(day), [`view=${i}`]);
  });

  await t.step("rows may come as a stream", async () => {
    const out = target("2026-12-06");
    const s = out.stage("LoadCounts_6@e1");
    await s.write(new Blob([lines("2026-12-06", { view: 6 })]).stream());
    await s.commit();
    assert.deepEqual(await rowsOf("2026-12-06"), ["view=6"]);
  });

  await t.step("rows of different shapes: every field any row has goes in", async () => {
    const out = new SqlTableTarget({
      url,
      table: "event_counts",
      key: "2026-12-09",
      stagingDir: `${dir}/staging`,
    });
    const s = out.stage("LoadCounts_9@e1");
    const day = "2026-12-09";
    await s.write(
      [{ day, kind: "a" }, { day, kind: "b", n: 5 }].map((r) => JSON.stringify(r)).join("\n"),
    );
    await s.commit();
    assert.deepEqual(await rowsOf(day), ["a=null", "b=5"]);
  });

  await t.step("a row that breaks the contract is refused before staging", async () => {
    const s = target("2026-12-05").stage("LoadCounts_5@e1");
    await assert.rejects(
      s.write(`${lines("2026-12-05", { view: 1 })}\n{"day":"2026-12-05","kind":"x","n":-1}`),
      (e) => e instanceof PermanentError && /line 2/.test(e.message) && /n/.test(e.message),
    );
    assert.equal(await s.written(), false);
  });
}

Deno.test("SqlTableTarget keeps the target contract on a libSQL file", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-sql-" });
  const url = `file:${dir}/warehouse.db`;
  const client = createClient({ url, timeout: 5_000 });
  try {
    await client.execute("CREATE TABLE event_counts (day TEXT, kind TEXT, n INTEGER)");
    await contract(t, url, async (q) => (await client.execute(q)).rows as never, dir);
  } finally {
    client.close();
    await closeSqlDatabases();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqlTableTarget keeps the target contract on PostgreSQL", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-sql-pg-" });
  await using server = await startPostgres({ name: "sql-target" });
  const sql = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await sql`CREATE TABLE event_counts (day text, kind text, n integer)`;
    await contract(t, server.url, (q) => sql.unsafe(q) as never, dir);
  } finally {
    await sql.end();
    await closeSqlDatabases();
    await Deno.remove(dir, { recursive: true });
  }
});
