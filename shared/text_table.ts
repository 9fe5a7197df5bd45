/**
 * Plain-text tables: the one formatter behind the CLI's listings, the
 * benchmark's report and the scripts' summaries.
 *
 * @module
 */

/**
 * A column: its header and how its cells line up (default left).
 *
 * @example
 * ```ts
 * import type { Column } from "./text_table.ts";
 * const seconds: Column = { header: "s", align: "right" };
 * ```
 */
export interface Column {
  header: string;
  align?: "left" | "right";
}

/**
 * Lays `rows` out under `columns` (a header string is a left-aligned column):
 * each column as wide as its widest cell, two spaces apart, with no trailing
 * blanks; `rule` draws dashes under the headers. A cell stays on one line
 * (newlines become spaces); missing cells are blank.
 *
 * @throws RangeError when a row has more cells than there are columns.
 *
 * @example
 * ```ts
 * import { formatTable } from "./text_table.ts";
 * const text = formatTable(["ID", { header: "N", align: "right" }], [["a", "1"], ["bb", "10"]]);
 * console.assert(text === "ID   N\na    1\nbb  10");
 * ```
 */
export function formatTable(
  columns: readonly (string | Column)[],
  rows: readonly (readonly string[])[],
  options: { rule?: boolean } = {},
): string {
  const cols = columns.map((c): Column => typeof c === "string" ? { header: c } : c);
  rows.forEach((row, i) => {
    if (row.length > cols.length) {
      throw new RangeError(
        `Row ${i} has ${row.length} cells but the table has ${cols.length} columns`,
      );
    }
  });
  const header = cols.map((c) => c.header);
  const lines = layOut([header, ...rows], cols.map((c) => c.align ?? "left"));
  if (options.rule) {
    const widths = columnWidths([header, ...rows].map((r) => r.map(flatten)));
    lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  }
  return lines.join("\n");
}

/**
 * `Label   value` lines, labels padded to the widest.
 *
 * @example
 * ```ts
 * import { formatFields } from "./text_table.ts";
 * console.assert(formatFields([["Run", "run_1"], ["Root", "A_1"]]) === "Run   run_1\nRoot  A_1");
 * ```
 */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  return layOut(fields, ["left", "left"]).join("\n");
}

function layOut(
  rows: readonly (readonly string[])[],
  aligns: readonly ("left" | "right")[],
): string[] {
  const cells = rows.map((row) => row.map(flatten));
  const widths = columnWidths(cells);
  return cells.map((row) =>
    widths.map((w, i) => {
      const cell = row[i] ?? "";
      const pad = " ".repeat(w - width(cell));
      return aligns[i] === "right" ? pad + cell : cell + pad;
    }).join("  ").trimEnd()
  );
}

function columnWidths(cells: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  }
  return widths;
}

/** A cell stays on one line. */
function flatten(cell: string): string {
  return cell.replace(/\s*[\r\n\t]+\s*/g, " ");
}

/** Display width, counting code points (enough for the text Drover prints). */
function width(text: string): number {
  return [...text].length;
}
