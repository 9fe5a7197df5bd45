/**
 * Plain-text tables for the benchmark's report.
 */

/** A column: its header and how its cells line up. */
export interface Column {
  header: string;
  align?: "left" | "right";
}

/**
 * Lays `rows` out under `columns`, each column as wide as its widest cell,
 * separated by two spaces, with a dashed rule under the headers. Trailing
 * spaces are trimmed.
 *
 * @throws RangeError when a row has more cells than there are columns.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  rows.forEach((row, i) => {
    if (row.length > columns.length) {
      throw new RangeError(
        `Row ${i} has ${row.length} cells but the table has ${columns.length} columns`,
      );
    }
  });
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (r[i] ?? "").length))
  );
  const line = (cells: readonly string[]) =>
    columns.map((c, i) => {
      const cell = cells[i] ?? "";
      return c.align === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
    }).join("  ").trimEnd();
  return [
    line(columns.map((c) => c.header)),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
  ].join("\n");
}
