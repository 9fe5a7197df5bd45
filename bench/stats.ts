/**
 * Pure statistics for the benchmark: nearest-rank percentiles and summaries.
 */

/** A distribution in a few numbers; every figure is `null` for an empty list. */
export interface Summary {
  count: number;
  min: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/**
 * The `p`-th percentile of `values` by the nearest-rank method: the smallest
 * value with at least `p` percent of the values at or below it (`p = 0` is
 * the minimum). Always one of the values, never an interpolation.
 *
 * @throws RangeError for an empty list, a `p` outside 0..100, or a value that is not finite.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) {
    throw new RangeError(`Cannot take percentile ${p}: expected a number from 0 to 100`);
  }
  return sortedPercentile(sortNumbers(values), p);
}

/**
 * Count, min, p50, p90, p99, max and mean of `values`.
 *
 * @throws RangeError for a value that is not finite.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) {
    return { count: 0, min: null, p50: null, p90: null, p99: null, max: null, mean: null };
  }
  const sorted = sortNumbers(values);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    min: sorted[0]!,
    p50: sortedPercentile(sorted, 50),
    p90: sortedPercentile(sorted, 90),
    p99: sortedPercentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

function sortNumbers(values: readonly number[]): Float64Array {
  const sorted = new Float64Array(values.length);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      throw new RangeError(`Cannot summarise value ${v} at index ${i}: expected a finite number`);
    }
    sorted[i] = v;
  });
  return sorted.sort();
}

function sortedPercentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    throw new RangeError(`Cannot take percentile ${p} of an empty list`);
  }
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
