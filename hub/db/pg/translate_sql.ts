/**
 * The hub's statements are written once, in SQL both dialects read, and
 * built for SQLite (drizzle's SQLite dialect, our raw statements). What
 * differs only in spelling is translated here, once per distinct text, on
 * the way to PostgreSQL:
 *
 * - `?` placeholders become `$1`, `$2`, … (not inside strings, quoted names
 *   or comments);
 * - `INDEXED BY name` (a SQLite planner hint) is dropped;
 * - a unary `+` before a column (`WHERE +state = …`, which keeps SQLite off
 *   an index) is dropped;
 * - `max(a, b)` and `min(a, b)` with two or more arguments (SQLite's scalar
 *   forms) become `GREATEST(a, b)` and `LEAST(a, b)`; one argument stays the
 *   aggregate;
 * - `BEGIN IMMEDIATE` / `BEGIN DEFERRED` become `BEGIN`;
 * - `rowid` becomes `ctid` (a row's physical id, as good for `WHERE ctid IN
 *   (SELECT ctid … LIMIT n)`), `group_concat(x, sep)` `string_agg(x, sep)`
 *   and `json_object(…)` `json_build_object(…)`; the highest id a table's
 *   AUTOINCREMENT handed out (`sqlite_sequence`) is its sequence's last value;
 * - `CAST(x AS INTEGER)` truncates to 64 bits, as SQLite's does
 *   (`CAST(trunc(x) AS BIGINT)`; a shift's count `<< CAST(n AS INTEGER)`
 *   stays a 32-bit integer), and a camelCase alias (`AS hubId`) is
 *   quoted, since PostgreSQL folds unquoted names to lower case.
 *
 * - a hint, a comment opening with `/*+ postgres:`, becomes the text it holds: what only
 *   PostgreSQL needs, where SQLite (one writer) needs nothing, such as a
 *   claim's `FOR UPDATE SKIP LOCKED` or an advisory lock. SQLite reads it
 *   as a comment. No placeholders inside.
 *
 * `json_each(text)` and `json_array_length(text)` exist on PostgreSQL as
 * SQL functions the migrations add (`0002_sqlite_functions.sql`).
 *
 * Anything else must already be common SQL: what is not, is written so at
 * its source (a test runs the hub's statements on both).
 */

const cache = new Map<string, string>();
const CACHE_MAX = 2_000;

/** `text` for PostgreSQL (cached). */
export function translateSql(text: string): string {
  let out = cache.get(text);
  if (out === undefined) {
    out = translate(text);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(text, out);
  }
  return out;
}

/** The parts of `text` outside strings, quoted names and comments, with their offsets. */
function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    let end = -1;
    if (c === "'" || c === '"' || c === "`") {
      end = i + 1;
      for (;;) {
        const next = text.indexOf(c, end);
        if (next < 0) {
          end = text.length;
          break;
        }
        // A doubled quote is an escaped one.
        if (text[next + 1] === c) end = next + 2;
        else {
          end = next + 1;
          break;
        }
      }
    } else if (two === "--") {
      const nl = text.indexOf("\n", i);
      end = nl < 0 ? text.length : nl;
    } else if (two === "/*") {
      const close = text.indexOf("*/", i + 2);
      end = close < 0 ? text.length : close + 2;
    }
    if (end >= 0) {
      if (i > start) spans.push([start, i]);
      start = end;
      i = end;
    } else i++;
  }
  if (start < text.length) spans.push([start, text.length]);
  return spans;
}

function translate(text: string): string {
  let n = 0;
  let out = "";
  let last = 0;
  // A name quoted SQLite's other way (`name`) is quoted the standard way.
  const quoted = (s: string) => s.startsWith("`") ? `"${s.slice(1, -1)}"` : s;
  for (const [from, to] of codeSpans(text)) {
    out += quoted(text.slice(last, from));
    out += text.slice(from, to).replace(/\?/g, () => `$${++n}`);
    last = to;
  }
  out += quoted(text.slice(last));
  out = out
    .replace(/\/\*\+\s*postgres:\s*([\s\S]*?)\s*\*\//g, " $1 ")
    .replace(/\bINDEXED\s+BY\s+\w+/gi, "")
    .replace(/(\b(?:WHERE|AND|OR|ON|NOT)\s+|\(\s*)\+(?=[A-Za-z_])/gi, "$1")
    .replace(/^\s*BEGIN\s+(?:IMMEDIATE|DEFERRED|EXCLUSIVE)\b/i, "BEGIN")
    .replace(/\browid\b/gi, "ctid")
    .replace(/\bgroup_concat\s*\(/gi, "string_agg(")
    .replace(/\bjson_object\s*\(/gi, "json_build_object(")
    .replace(
      /\(SELECT seq FROM sqlite_sequence WHERE name = '(\w+)'\)/gi,
      "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM $1_id_seq)",
    );
  return castToInteger(scalarMinMax(out)).replace(
    /\bAS ([a-z]+[A-Z]\w*)\b/g,
    (_, name: string) => `AS "${name}"`,
  );
}

/**
 * `CAST(x AS INTEGER)`: SQLite truncates to a 64-bit integer; PostgreSQL's
 * `integer` is 32 bits and rounds, so it becomes `CAST(trunc(x) AS BIGINT)`.
 */
function castToInteger(text: string): string {
  const re = /\bCAST\s*\(/gi;
  let out = "";
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let close = -1;
    for (let i = open; i < text.length; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")" && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) continue;
    const inner = /^([\s\S]*)\s+AS\s+INTEGER\s*$/i.exec(text.slice(open + 1, close));
    // A shift's count stays a 32-bit integer: PostgreSQL shifts only by one.
    if (!inner || /<<\s*$/.test(text.slice(0, m.index))) continue;
    out += text.slice(last, m.index) + `CAST(trunc(${castToInteger(inner[1]!)}) AS BIGINT)`;
    last = close + 1;
    re.lastIndex = close + 1;
  }
  return out + text.slice(last);
}

/** `max(a, b)` → `GREATEST(a, b)`, `min(a, b)` → `LEAST(a, b)`; the one-argument aggregates stay. */
function scalarMinMax(text: string): string {
  const re = /\b(max|min)\s*\(/gi;
  let out = "";
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let commas = 0;
    let close = -1;
    for (let i = open; i < text.length; i++) {
      const c = text[i];
      if (c === "(") depth++;
      else if (c === ")" && --depth === 0) {
        close = i;
        break;
      } else if (c === "," && depth === 1) commas++;
    }
    if (close < 0 || commas === 0) continue;
    out += text.slice(last, m.index) + (m[1]!.toLowerCase() === "max" ? "GREATEST(" : "LEAST(");
    last = open + 1;
  }
  return out + text.slice(last);
}
