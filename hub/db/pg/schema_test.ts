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

function sqliteShapes(): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  for (const table of Object.values(sqliteSchema)) {
    if (!is(table, SQLiteTable)) continue;
    const c = sqliteConfig(table);
    shapes.set(c.name, {
      columns: c.columns.map((col) =>
        `${col.name}${col.notNull ? " not null" : ""}${col.hasDefault ? " default" : ""}`
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
  return shapes;
}

function pgShapes(): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  for (const table of Object.values(pgSchema)) {
    if (!is(table, PgTable)) continue;
    const c = pgConfig(table);
    shapes.set(c.name, {
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
  return shapes;
}

Deno.test("the PostgreSQL schema has the tables, columns, keys and indexes of the SQLite one", () => {
  const sqlite = sqliteShapes();
  const pg = pgShapes();
  assert.ok(sqlite.size >= 19, `found ${sqlite.size} SQLite tables`);
  assert.deepEqual([...pg.keys()].sort(), [...sqlite.keys()].sort());
  for (const [name, shape] of sqlite) assert.deepEqual(pg.get(name), shape, `table ${name}`);
});
