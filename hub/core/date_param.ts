/**
 * Which parameter of a family a backfill varies: the one it names, else the
 * only top-level parameter whose JSON Schema says `"format": "date"`.
 */

/** The top-level parameters of a params JSON Schema declared with `"format": "date"`. */
export function dateParams(paramsSchema: Record<string, unknown>): string[] {
  const props = paramsSchema.properties;
  if (!props || typeof props !== "object") return [];
  return Object.entries(props)
    .filter(([, node]) =>
      node !== null && typeof node === "object" && (node as { format?: unknown }).format === "date"
    )
    .map(([name]) => name);
}

/**
 * The parameter to backfill over. `given` must be a parameter of the family;
 * without it, the family must have exactly one date parameter. Throws a
 * `TypeError` saying what to give otherwise.
 */
export function chooseDateParam(
  family: string,
  paramsSchema: Record<string, unknown>,
  given: string | undefined,
): string {
  if (given !== undefined) {
    const props = paramsSchema.properties;
    const known = props && typeof props === "object" ? Object.keys(props) : [];
    if (!known.includes(given)) {
      throw new TypeError(
        `Unknown parameter "${given}" for ${family} (known: ${known.join(", ") || "none"})`,
      );
    }
    return given;
  }
  const found = dateParams(paramsSchema);
  if (found.length === 1) return found[0]!;
  throw new TypeError(
    found.length === 0
      ? `Task family ${family} has no parameter with "format": "date"; give param to name ` +
        `the one to backfill over`
      : `Task family ${family} has several date parameters (${found.join(", ")}); give param ` +
        `to choose one`,
  );
}
