/**
 * The chaos suite (`deno task chaos`): hubs sharing one database file and
 * worker processes behind TCP proxies run a random DAG of `ChaosNode`s while
 * a seeded schedule SIGKILLs and restarts workers, SIGKILLs and restarts
 * hubs, cuts a worker's links for less than the TTL, freezes a worker
 * (SIGSTOP) past its TTL before letting it resume as a zombie, and stalls a
 * worker's links past its TTL (every byte held, then delivered: the worker
 * runs on and its late completions reach the hub stale). At the end the
 * database must say: the run is done, every task is published exactly once
 * and at its last epoch, no attempt is left open, and the invariant checker
 * is clean; every node ran at least once, and its visible output is the
 * published attempt's. A run in which the chaos did not happen (no kill, no
 * zombie that held a lease, no stale completion) fails too.
 *
 *     deno task chaos --tasks 5000 --workers 6 --hubs 2 --seed 42
 *
 * Prints the summary table and a one-line JSON summary on standard output,
 * progress on standard error. Exit codes: 0 every check passed, 1 one
 * failed, 2 a bad command line.
 */
import { parseFlags, throwIfProblems, wholeNumber } from "../../testing/parse_flags.ts";
import type { ChaosOptions } from "./chaos_options.ts";
import { CHAOS_TARGETS, type ChaosTarget } from "./chaos_tasks.ts";
import { formatReport } from "./report.ts";
import { runChaos } from "./run.ts";

const FLAGS = {
  "tasks": 5_000,
  "workers": 6,
  "hubs": 2,
  "seed": 42,
  "ttl-ms": 2_000,
  "worker-kill-every-ms": 2_000,
  "hub-kill-every-ms": 10_000,
  "timeout-s": 900,
} as const;

/** Flags that must be at least 1 (the others may be 0). */
const AT_LEAST_ONE = new Set(["tasks", "workers", "hubs", "ttl-ms", "timeout-s"]);

const USAGE = `Usage: deno task chaos ${
  Object.entries(FLAGS).map(([name, value]) => `[--${name} ${value}]`).join(" ")
} [--db libsql|postgres] [--targets s3,sql]`;

/**
 * Parses `--name value` / `--name=value` flags (whole numbers) over the
 * defaults. Throws a TypeError naming every problem (an unknown flag, a
 * value that is not a whole number, with the flag and the value), then the
 * usage, which names every flag.
 */
export function parseChaosFlags(args: readonly string[]): ChaosOptions {
  const options = Object.fromEntries(
    [...Object.entries(FLAGS), ["db", "libsql"] as const, ["targets", ""] as const].map((
      [name, value],
    ) => [name, {
      type: "string" as const,
      default: String(value),
    }]),
  );
  const { values, positionals, rest, problems } = parseFlags(args, options);
  for (const p of [...positionals, ...rest]) problems.push(`Unexpected argument "${p}"`);
  const v: Record<string, number> = {};
  for (const name of Object.keys(FLAGS)) {
    v[name] = wholeNumber(problems, `--${name}`, values[name], AT_LEAST_ONE.has(name) ? 1 : 0);
  }
  const db = values.db;
  if (db !== "libsql" && db !== "postgres") {
    problems.push(`--db must be libsql or postgres, not "${db}"`);
  }
  const targets = values.targets ? values.targets.split(",") : [];
  const unknown = targets.filter((t) => !(CHAOS_TARGETS as readonly string[]).includes(t));
  if (unknown.length > 0) {
    problems.push(`--targets takes ${CHAOS_TARGETS.join(" and ")}, not "${unknown.join(",")}"`);
  }
  throwIfProblems(problems, USAGE);
  return {
    ...(db === "postgres" ? { db } : {}),
    ...(targets.length > 0 ? { targets: targets as ChaosTarget[] } : {}),
    tasks: v.tasks!,
    workers: v.workers!,
    hubs: v.hubs!,
    seed: v.seed!,
    ttlMs: v["ttl-ms"]!,
    workerKillEveryMs: v["worker-kill-every-ms"]!,
    hubKillEveryMs: v["hub-kill-every-ms"]!,
    timeoutS: v["timeout-s"]!,
  };
}

if (import.meta.main) {
  let options: ChaosOptions;
  try {
    options = parseChaosFlags(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const summary = await runChaos({ ...options, progress: (line) => console.error(line) });
  console.log(formatReport(summary));
  const { dir, cuts, freezes, stalls, invariantViolations, ...figures } = summary;
  console.log(JSON.stringify({
    ...figures,
    cuts: cuts.length,
    leasesExpiredInCuts: cuts.reduce((sum, c) => sum + c.leasesExpired, 0),
    freezes: freezes.length,
    stalls: stalls.length,
    invariantViolations: invariantViolations.length,
    ...(summary.ok ? {} : { dir }),
  }));
  Deno.exit(summary.ok ? 0 : 1);
}
