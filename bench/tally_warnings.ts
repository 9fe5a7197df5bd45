/** Warn and error log lines of a cluster, counted. */
import type { ProcessHandle } from "../testing/process_handle.ts";

/** Counts warn and error lines per message, over every process of the cluster. */
export function tallyWarnings(processes: readonly ProcessHandle[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const p of processes) {
    const kind = p.name.startsWith("bench-w") ? "worker" : "hub";
    for (const l of p.lines) {
      if (l.level !== "warn" && l.level !== "error") continue;
      const key = `${kind}: ${l.level} ${l.msg ?? "?"}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
  }
  return tally;
}
