/** Aligned plain-text columns for human output. */

/**
 * A table with a header row; columns are padded to their widest cell and
 * separated by two spaces, with no trailing blanks.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  return alignColumns([headers, ...rows]);
}

/** `Label   value` lines, labels padded to the widest. */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  return alignColumns(fields);
}

function alignColumns(rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => row.map(flatten));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  }
  return cells
    .map((row) =>
      row
        .map((
          cell,
          i,
        ) => (i === row.length - 1 ? cell : cell + " ".repeat(widths[i]! - width(cell))))
        .join("  ")
        .trimEnd()
    )
    .join("\n");
}

/** A cell stays on one line. */
function flatten(cell: string): string {
  return cell.replace(/\s*[\r\n\t]+\s*/g, " ");
}

/** Display width, counting code points (enough for the text drover prints). */
function width(text: string): number {
  return [...text].length;
}
