/** Worker tokens carry a label scope: the worker must carry those labels. */
import type { Labels } from "../../shared/selector.ts";

/**
 * Why `labels` fall outside a worker token's `scope`, or null when they fit:
 * every scope label must be carried with the same value.
 */
export function scopeViolation(scope: Labels, labels: Labels): string | null {
  const bad = Object.entries(scope).filter(([k, v]) => labels[k] !== v);
  if (bad.length === 0) return null;
  const want = Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(",");
  const got = bad.map(([k]) => `${k}=${labels[k] ?? "(none)"}`).join(",");
  return `the worker token's scope ${want} does not allow labels ${got}`;
}
