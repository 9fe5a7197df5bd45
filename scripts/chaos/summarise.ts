/**
 * The summary of a chaos run: what it did, what the logs and the database
 * say, and every check that failed, including "the chaos did not happen"
 * (no kill, no zombie that held a lease, no stale completion), without which
 * the other checks prove nothing.
 */
import type { ChaosContext } from "./chaos_context.ts";
import type { ChaosSummary, VerifyFindings } from "./chaos_summary.ts";
import { COMPLETION_REFUSED } from "./zombie.ts";

/** How the run itself ended. */
export interface RunOutcome {
  /** "not submitted", "running" (timed out), or the run's final state. */
  state: string;
  /** From the submission until the run was seen over. */
  runtimeS: number;
}

/** Sums up a run after `verify()`; adds the failures of chaos that did not happen. */
export function summarise(
  ctx: ChaosContext,
  found: VerifyFindings,
  outcome: RunOutcome,
  dir: string,
): ChaosSummary {
  const o = ctx.settings;
  const t = ctx.tally;
  const failures = ctx.failures;
  if (o.workerKillEveryMs > 0 && ctx.workerKills === 0) failures.push("no worker was killed");
  if (o.hubKillEveryMs > 0 && o.maxHubKills > 0 && ctx.hubKills === 0) {
    failures.push("no hub was killed");
  }
  if (ctx.cuts.length < o.cuts) failures.push(`${ctx.cuts.length} of ${o.cuts} cuts happened`);
  for (const c of ctx.cuts) {
    if (c.backAfterMs === null) failures.push(`${c.worker} never reconnected after its cut`);
  }
  if (o.freezes > 0 && !ctx.freezes.some((f) => f.leasesExpired > 0 && f.evidence)) {
    failures.push("no frozen worker lost a lease and noticed: the zombie was not exercised");
  }
  if (o.stalls > 0 && !ctx.stalls.some((f) => f.leasesExpired > 0 && f.completionsRefused)) {
    failures.push("no stalled worker had a completion refused: stale publication not exercised");
  }
  if (t.untallied > 0) failures.push(`${t.untallied} log lines were lost before being counted`);
  const workerProcesses = ctx.cluster.workerProcesses;
  return {
    ok: failures.length === 0,
    failures,
    warnings: ctx.cuts.filter((c) => c.leasesExpired > 0).map((c) =>
      `${c.worker} was cut off for ${c.cutMs} ms (TTL ${o.ttlMs} ms), came back after ` +
      `${c.backAfterMs ?? "never"} ms, and ${c.leasesExpired} of its leases expired`
    ),
    seed: o.seed,
    tasks: o.tasks,
    workers: o.workers,
    hubs: o.hubs,
    ttlMs: o.ttlMs,
    runState: outcome.state,
    runtimeS: Math.round(outcome.runtimeS * 10) / 10,
    workerKills: ctx.workerKills,
    hubKills: ctx.hubKills,
    cuts: ctx.cuts,
    freezes: ctx.freezes,
    stalls: ctx.stalls,
    leasesExpired: found.attemptsByOutcome.expired ?? 0,
    staleCompletionsRefused: t.count("hub", "stale completion refused"),
    renewalsRefused: t.count("hub", "renewal refused"),
    duplicatesAbsorbed: t.duplicatesAbsorbed,
    leasesLost: t.count("worker", "lease lost"),
    attemptsAbandoned: t.count("worker", "attempt abandoned: lease lost") +
      t.count("worker", "result discarded: lease lost"),
    completionsDiscarded: t.count("worker", COMPLETION_REFUSED),
    // Every process was welcomed once before spawnWorker() returned.
    reconnects: t.count("worker", "connected to the hub") - workerProcesses,
    workerProcesses,
    ...found,
    untalliedLines: t.untallied,
    dir,
  };
}
