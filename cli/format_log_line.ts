/** A task log line as `drover logs` prints it. */
import type { StoredLogLine } from "../shared/api_schemas_logs.ts";

/**
 * `2026-11-23 12:00:01.234Z  #2  info   rows loaded  table=users rows=3`, or
 * for a marker `… 120 lines dropped by the worker`.
 */
export function formatLogLine(line: StoredLogLine): string {
  const time = new Date(line.at).toISOString().replace("T", " ");
  const head = `${time}  #${line.attempt}  ${line.level.padEnd(5)}  `;
  if (line.dropped > 0) {
    return `${head}… ${line.dropped} line${line.dropped === 1 ? "" : "s"} ${line.msg}`;
  }
  const fields = Object.entries(line.fields ?? {}).map(([k, v]) => `${k}=${formatValue(v)}`);
  return head + line.msg + (fields.length > 0 ? `  ${fields.join(" ")}` : "");
}

/** A field's value: a bare word as is, any other string quoted, anything else as JSON. */
function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
