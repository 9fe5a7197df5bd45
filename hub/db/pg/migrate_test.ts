import assert from "node:assert/strict";
import postgres from "postgres";
import { startPostgres } from "../../../testing/postgres.ts";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { migratePostgres, postgresMigrationsFolder } from "./migrate.ts";

Deno.test("migratePostgres() builds the schema once when several hubs start together", async () => {
  await using server = await startPostgres({ name: "migrate" });
  const clients = Array.from(
    { length: 3 },
    () => postgres(server.url, { max: 2, onnotice: () => {} }),
  );
  try {
    await Promise.all(clients.map((sql) => migratePostgres(sql)));
    const sql = clients[0]!;
    const applied = await sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`;
    const files = readMigrationFiles({ migrationsFolder: postgresMigrationsFolder() }).length;
    assert.ok(files >= 3, `${files} migrations`);
    assert.equal(applied[0]!.n, files, "each migration is recorded once");
    const tables = await sql`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' ORDER BY table_name`;
    assert.deepEqual(tables.map((t) => t.table_name), [
      "attempts",
      "audit_log",
      "backfills",
      "edges",
      "events",
      "families",
      "hook_deliveries",
      "hooks",
      "hub_secrets",
      "hubs",
      "pauses",
      "publications",
      "resource_limits",
      "run_count_deltas",
      "run_counts",
      "run_counts_base",
      "run_tasks",
      "runs",
      "schedules",
      "task_logs",
      "tasks",
      "tokens",
      "trigger_deliveries",
      "triggers",
      "ui_sessions",
      "workers",
    ]); // deno-fmt-ignore
    // A later start finds nothing to do.
    await migratePostgres(sql);
    const again = await sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`;
    assert.equal(again[0]!.n, files);
  } finally {
    await Promise.all(clients.map((sql) => sql.end()));
  }
});
