import assert from "node:assert/strict";
import { getTableConfig as pgConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { is } from "drizzle-orm";
import * as sqliteSchema from "../schema.ts";
import * as pgSchema from "./schema.ts";

/** What must be alike on both backends: columns, keys, indexes (by name, columns, uniqueness). */
interface Shape {
  columns: string[];
  primaryKey: string[];
  indexes: string[];
}

/** The parts of a table's config (either dialect's) that {@link Shape} reads. */
interface TableConfig {
  name: string;
  columns: Array<
    {
      name: string;
      notNull: boolean;
      hasDefault: boolean;
      primary: boolean;
      generatedIdentity?: unknown;
    }
  >;
  primaryKeys: Array<{ columns: Array<{ name: string }> }>;
  indexes: Array<{ config: { name?: string; unique?: boolean; where?: unknown } }>;
}

/** Every table of `schema` that `config` reads (the others give undefined), by name. */
function shapes(
  schema: Record<string, unknown>,
  config: (table: unknown) => TableConfig | undefined,
): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const table of Object.values(schema)) {
    const c = config(table);
    if (!c) continue;
    out.set(c.name, {
      // A PostgreSQL identity column is SQLite's AUTOINCREMENT: a default either way.
      columns: c.columns.map((col) =>
        `${col.name}${col.notNull ? " not null" : ""}${
          col.hasDefault || col.generatedIdentity ? " default" : ""
        }`
      ).sort(),
      primaryKey: [
        ...c.columns.filter((col) => col.primary).map((col) => col.name),
        ...c.primaryKeys.flatMap((pk) => pk.columns.map((col) => col.name)),
      ],
      indexes: c.indexes.map((i) =>
        `${i.config.name}${i.config.unique ? " unique" : ""}${i.config.where ? " partial" : ""}`
      ).sort(),
    });
  }
  return out;
}

const sqliteShapes = () =>
  shapes(sqliteSchema, (t) => is(t, SQLiteTable) ? sqliteConfig(t) as TableConfig : undefined);
const pgShapes = () =>
  shapes(pgSchema, (t) => is(t, PgTable) ? pgConfig(t) as unknown as TableConfig : undefined);

Deno.test("the PostgreSQL schema has the tables, columns, keys and indexes of the SQLite one", () => {
  const sqlite = sqliteShapes();
  const pg = pgShapes();
  assert.ok(sqlite.size >= 19, `found ${sqlite.size} SQLite tables`);
  assert.deepEqual([...pg.keys()].sort(), [...sqlite.keys()].sort());
  for (const [name, shape] of sqlite) assert.deepEqual(pg.get(name), shape, `table ${name}`);
});
