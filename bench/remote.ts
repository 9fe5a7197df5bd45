/**
 * Workers far from their hub: the wide workload with every worker behind a
 * proxy that delays each byte by half a round trip each way, at several
 * round-trip times, with prefetch off and on. The figure is the run phase's
 * rate (first task ready → done: the expansion's few round trips are left
 * out), against the same setting next to the hub (0 ms, through the proxy).
 */
import { DelayProxy } from "./delay_proxy.ts";
import { runWorkload, type WorkloadOptions } from "./run_workload.ts";

/** What the remote rounds are run with. */
export interface RemoteSettings {
  /** Leaves of the wide run of each round. */
  tasks: number;
  /** Round-trip times, milliseconds; the first should be 0 (next to the hub). */
  rttsMs: readonly number[];
  /** `DROVER_WORKER_PREFETCH` of the rounds with prefetch on. */
  prefetch: number;
}

/** One round. */
export interface RemoteRound {
  rttMs: number;
  prefetch: number;
  tasks: number;
  runSeconds: number;
  /** Leaves per second of the run phase. */
  tasksPerSecond: number;
  /** Against the round with the same prefetch at the first round-trip time. */
  ratio: number | null;
}

/** Runs every round (round-trip times × prefetch off and on), one cluster each. */
export async function measureRemote(
  s: RemoteSettings,
  o: Omit<WorkloadOptions, "workerHubUrl" | "workerEnv">,
  progress: (line: string) => void,
): Promise<RemoteRound[]> {
  const rounds: RemoteRound[] = [];
  for (const prefetch of [...new Set([0, s.prefetch])]) {
    for (const rttMs of s.rttsMs) {
      const name = `remote-${rttMs}ms-prefetch-${prefetch}`;
      const dir = `${o.dir}/${name}`;
      await Deno.mkdir(dir, { recursive: true });
      const proxies: DelayProxy[] = [];
      try {
        const r = await runWorkload(
          {
            name,
            family: "BenchWide",
            params: { n: s.tasks },
            families: ["BenchWide", "BenchLeaf"],
          },
          {
            ...o,
            dir,
            workerHubUrl: (hubUrl) => {
              const proxy = new DelayProxy(Number(new URL(hubUrl).port), rttMs / 2);
              proxies.push(proxy);
              return proxy.url;
            },
            workerEnv: { DROVER_WORKER_PREFETCH: String(prefetch) },
          },
        );
        const base = rounds.find((b) => b.prefetch === prefetch && b.rttMs === s.rttsMs[0]);
        const tasksPerSecond = r.ran / r.runSeconds;
        rounds.push({
          rttMs,
          prefetch,
          tasks: r.ran,
          runSeconds: r.runSeconds,
          tasksPerSecond,
          ratio: base ? tasksPerSecond / base.tasksPerSecond : null,
        });
        progress(`${name}: ${tasksPerSecond.toFixed(1)} tasks/s in the run phase`);
      } finally {
        for (const proxy of proxies) await proxy.close();
      }
    }
  }
  return rounds;
}

/** The rounds as a table. */
export function formatRemote(rounds: readonly RemoteRound[], s: RemoteSettings): string {
  const head = ["round trip ms", "prefetch", "tasks", "run s", "tasks/s", "vs 0 ms"];
  const rows = rounds.map((r) => [
    String(r.rttMs),
    String(r.prefetch),
    String(r.tasks),
    r.runSeconds.toFixed(2),
    r.tasksPerSecond.toFixed(1),
    r.ratio === null ? "-" : `${(r.ratio * 100).toFixed(0)} %`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join("  ");
  return [
    `Workers behind a delaying proxy (BenchWide(${s.tasks}); half the round trip each way; ` +
    `prefetch = DROVER_WORKER_PREFETCH):`,
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "tasks/s = leaves / (first task ready → done); vs 0 ms = against the same prefetch next to the hub.",
  ].join("\n");
}
