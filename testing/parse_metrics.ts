/**
 * Prometheus' text format, read back: what tests check a hub's `/metrics`
 * with.
 *
 * @module
 */

/** One sample: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape: the `# TYPE` of each metric family, and every sample. */
export interface ParsedMetrics {
  types: Map<string, string>;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses exposition text (format 0.0.4).
 *
 * @example
 * ```ts
 * import { parseMetrics, sumOf } from "./parse_metrics.ts";
 * const parsed = parseMetrics('# TYPE x_total counter\nx_total{a="1"} 2\nx_total{a="2"} 3\n');
 * console.assert(sumOf(parsed, "x_total") === 5);
 * ```
 */
export function parseMetrics(text: string): ParsedMetrics {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === "" || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new SyntaxError(`Not a sample line: "${line}"`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]!] = l[2]!.replaceAll('\\"', '"');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

/** The sum of the samples of `name` whose labels include `labels`. */
export function sumOf(
  parsed: ParsedMetrics,
  name: string,
  labels: Record<string, string> = {},
): number {
  return parsed.samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
