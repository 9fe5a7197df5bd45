/** The summary of a chaos run as a two-column table. */
import { formatFields } from "../../shared/text_table.ts";
import type { ChaosSummary, ZombieReport } from "./chaos_summary.ts";

/** One line per figure: what the chaos did, what it cost, and the verdict. */
export function formatReport(s: ChaosSummary): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const cuts = s.cuts.map((c) =>
    `${c.worker}: ${n(c.cutMs)} ms, back after ${c.backAfterMs ?? "never"} ms, ` +
    `${c.leasesExpired} leases expired`
  );
  const zombies = (list: ZombieReport[]) =>
    list.map((z) =>
      `${z.worker}: ${n(z.forMs)} ms (ended by ${z.endedBy}), ${z.leasesExpired} leases ` +
      `expired, then "${z.evidence ?? "nothing"}", ${z.completionsRefused} completions refused`
    ).join("; ") || "0";
  return formatFields([
    ["tasks", `${n(s.tasks)} ChaosNode + 1 ChaosRoot (seed ${s.seed})`],
    [
      "cluster",
      `${s.hubs} hubs, ${s.workers} workers (even-numbered ones prefetch), TTL ${n(s.ttlMs)} ms`,
    ],
    ["runtime", `${s.runtimeS.toFixed(1)} s (run ${s.runState})`],
    ["worker kills (SIGKILL, restarted)", n(s.workerKills)],
    ["hub kills (SIGKILL, restarted)", n(s.hubKills)],
    ["link cuts", cuts.join("; ") || "0"],
    ["freezes (SIGSTOP past the TTL)", zombies(s.freezes)],
    ["link stalls (bytes held past the TTL)", zombies(s.stalls)],
    ["leases expired (attempts, database)", n(s.leasesExpired)],
    ["stale completions refused (hubs)", n(s.staleCompletionsRefused)],
    [
      "renewals refused (hubs) / leases lost (workers)",
      `${n(s.renewalsRefused)} / ${n(s.leasesLost)}`,
    ],
    [
      "attempts abandoned / completions discarded (workers)",
      `${n(s.attemptsAbandoned)} / ${n(s.completionsDiscarded)}`,
    ],
    ["reconnects (workers)", `${n(s.reconnects)} (${n(s.workerProcesses)} worker processes)`],
    ["duplicate deliveries absorbed (idempotency keys)", n(s.duplicatesAbsorbed)],
    [
      "executions vs publications",
      `${n(s.executions)} runs (${n(s.tasksRunMoreThanOnce)} tasks more than once) → ` +
      `${n(s.publications)} publications`,
    ],
    [
      "attempts by outcome",
      Object.entries(s.attemptsByOutcome).map(([k, v]) => `${k} ${n(v)}`).join(", "),
    ],
    ...s.failedAttempts.map((f): [string, string] => [
      "failed attempt",
      `${f.taskId} on ${f.workerId ?? "?"}: ${f.error}`,
    ]),
    ["most attempts of one task", n(s.maxAttempt)],
    ["staging files left by killed attempts", n(s.stagingLeftovers)],
    ...(s.targets?.s3
      ? [[
        "s3: objects, not the published attempt's, staging left",
        `${n(s.targets.s3.objects)}, ${n(s.targets.s3.wrong)}, ${n(s.targets.s3.leftovers)}`,
      ] as [string, string]]
      : []),
    ...(s.targets?.sql
      ? [[
        "sql: rows, load markers, nodes not loaded once, staged files left",
        `${n(s.targets.sql.rows)}, ${n(s.targets.sql.markers)}, ${n(s.targets.sql.wrong)}, ` +
        n(s.targets.sql.leftovers),
      ] as [string, string]]
      : []),
    ["invariant violations", n(s.invariantViolations.length)],
    ["warnings", s.warnings.join("; ") || "none"],
    ["result", s.ok ? "PASS" : `FAIL: ${s.failures.join("; ")}`],
  ]);
}
