import assert from "node:assert/strict";
import { translateSql } from "./translate_sql.ts";

Deno.test("translateSql() numbers the placeholders, but not a ? in a string, name or comment", () => {
  assert.equal(
    translateSql(`SELECT "a?" FROM t WHERE x = ? AND y = '?''?' -- why?\n AND z IN (?, ?) /* ? */`),
    `SELECT "a?" FROM t WHERE x = $1 AND y = '?''?' -- why?\n AND z IN ($2, $3) /* ? */`,
  );
  assert.equal(
    translateSql("INSERT INTO `run_counts` (`n`) VALUES (?)"),
    'INSERT INTO "run_counts" ("n") VALUES ($1)',
  );
});

Deno.test("translateSql() drops SQLite's planner hints", () => {
  assert.equal(
    translateSql(
      "SELECT id FROM tasks INDEXED BY tasks_claim_idx WHERE +state = 'ready' AND +kind = ?",
    ),
    "SELECT id FROM tasks  WHERE state = 'ready' AND kind = $1",
  );
  assert.equal(
    translateSql("SELECT attempt + (kind = 'run'), a +b FROM t"),
    "SELECT attempt + (kind = 'run'), a +b FROM t",
  );
});

Deno.test("translateSql() turns SQLite's scalar max and min into GREATEST and LEAST", () => {
  assert.equal(
    translateSql("SELECT max(priority), max(a, min(b, ?)), MIN( (c), d ) FROM t"),
    "SELECT max(priority), GREATEST(a, LEAST(b, $1)), LEAST( (c), d ) FROM t",
  );
  assert.equal(translateSql("BEGIN IMMEDIATE"), "BEGIN");
});

Deno.test("translateSql() truncates CAST(… AS INTEGER) to 64 bits and quotes camelCase aliases", () => {
  assert.equal(
    translateSql(
      "SELECT ? + CAST(min(a, b * (1 << CAST(c AS INTEGER))) * 0.5 AS INTEGER) AS nextAt, x AS y",
    ),
    'SELECT $1 + CAST(trunc(LEAST(a, b * (1 << CAST(c AS INTEGER))) * 0.5) AS BIGINT) AS "nextAt", x AS y',
  );
});

Deno.test("translateSql() splices in what a /*+ postgres: … */ hint holds", () => {
  assert.equal(
    translateSql(
      "SELECT id FROM tasks WHERE pin = ? LIMIT ? /*+ postgres: FOR UPDATE SKIP LOCKED */",
    ),
    "SELECT id FROM tasks WHERE pin = $1 LIMIT $2  FOR UPDATE SKIP LOCKED ",
  );
  // Any other comment stays a comment.
  assert.equal(translateSql("SELECT 1 /* postgres: x */"), "SELECT 1 /* postgres: x */");
});
