/**
 * One statement on PostgreSQL, as `@libsql/client` runs it: translated
 * (`translate_sql.ts`), its arguments typed, run as a prepared statement, and
 * its rows shaped as libSQL's (indexed values, not enumerable, and named ones).
 */
import type { InArgs, InStatement, ResultSet, Row } from "@libsql/client";
import type { ReservedSql, Sql } from "postgres";
import { translateSql } from "./translate_sql.ts";

/** A result set with the rows as plain objects too (what `nativeRows` takes). */
export type PostgresResultSet = ResultSet & { plainRows: Record<string, unknown>[] };

type Runner = Sql | ReservedSql;

/**
 * The arguments of a statement, typed as PostgreSQL should read them: an
 * integer as `bigint` and another number as `double precision` (untyped, a
 * parameter in a `VALUES` list or a `CASE` would be read as text), a boolean
 * as 1 or 0 and a bigint as its digits, as libSQL stores them. An integer
 * past 2^53 goes as a double (its text, `1e+21`, is no bigint). PostgreSQL's
 * text cannot hold U+0000, which SQLite's can (a worker may log a binary
 * byte): it is stored as U+FFFD, the replacement character.
 */
function argsOf(sql: Sql, stmt: InStatement | string, args?: InArgs): unknown[] {
  const raw = typeof stmt === "string" ? args : stmt.args;
  const list = Array.isArray(raw) ? raw : raw ? Object.values(raw) : [];
  return list.map((v) =>
    typeof v === "number"
      ? sql.typed(v as never, Number.isSafeInteger(v) ? 20 : 701)
      : typeof v === "string"
      ? v.includes("\0") ? v.replaceAll("\0", "\uFFFD") : v
      : typeof v === "boolean"
      ? sql.typed((v ? 1 : 0) as never, 20)
      : typeof v === "bigint"
      ? sql.typed(v.toString() as never, 20)
      : v === undefined
      ? null
      : v
  );
}

export async function run(sql: Sql, runner: Runner, stmt: InStatement | string, args?: InArgs) {
  const text = translateSql(typeof stmt === "string" ? stmt : stmt.sql);
  // As arrays: columns PostgreSQL names alike (`?column?`) keep their places.
  const result = await runner.unsafe(text, argsOf(sql, stmt, args) as never[], { prepare: true })
    .values();
  return resultSet(result as unknown as ValuesResult);
}

/** What `.values()` resolves to: rows as arrays, with the columns and the count. */
type ValuesResult = unknown[][] & {
  columns?: Array<{ name: string; type: number }>;
  count?: number | null;
};

function resultSet(result: ValuesResult): PostgresResultSet {
  const columns = (result.columns ?? []).map((c) => c.name);
  const plainRows: Record<string, unknown>[] = [];
  const rows = result.map((values) => {
    const plain: Record<string, unknown> = {};
    const row: Record<string | number, unknown> = {};
    columns.forEach((name, i) => {
      Object.defineProperty(row, i, { value: values[i], enumerable: false });
      plain[name] = values[i];
    });
    Object.defineProperty(row, "length", { value: columns.length, enumerable: false });
    Object.assign(row, plain);
    plainRows.push(plain);
    return row as unknown as Row;
  });
  const rowsAffected = result.count ?? 0;
  return {
    columns,
    columnTypes: (result.columns ?? []).map((c) => String(c.type)),
    rows,
    plainRows,
    rowsAffected,
    lastInsertRowid: undefined,
    toJSON: () => ({ columns, rows: plainRows, rowsAffected }),
  };
}
