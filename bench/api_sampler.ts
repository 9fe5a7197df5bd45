/**
 * What an operator's dashboard asks a hub while a run goes: the run list,
 * the run itself, the queue and the metrics, one after another with 100 ms
 * between rounds. Each answer's time is kept per route, for p50/p99/max.
 */
import { summarize, type Summary } from "./stats.ts";

/** Latencies (ms) per route, and the route's first answer (cold caches, statements unprepared). */
export type ApiLatencies = Record<string, Summary & { first: number; maxAtS: number }>;

/** A running sampler. */
export interface ApiSampler {
  /** From now on, also ask for this run. */
  watch(runId: string): void;
  /** Stops and summarizes. */
  stop(): Promise<ApiLatencies>;
}

/** Starts sampling the hub at `url` as `token`. */
export function sampleApi(url: string, token: string): ApiSampler {
  const headers = { authorization: `Bearer ${token}` };
  const times: Record<string, number[]> = {};
  const at: Record<string, number[]> = {};
  const start = performance.now();
  let runId: string | null = null;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const routes: [string, string][] = [
        ["GET /api/runs", "/api/runs?limit=20"],
        ["GET /api/queue", "/api/queue"],
        ["GET /metrics", "/metrics"],
      ];
      if (runId) routes.push(["GET /api/runs/{id}", `/api/runs/${runId}`]);
      for (const [route, path] of routes) {
        const started = performance.now();
        const res = await fetch(`${url}${path}`, { headers });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${route} answered ${res.status}`);
        (times[route] ??= []).push(performance.now() - started);
        (at[route] ??= []).push((started - start) / 1000);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    watch(id) {
      runId = id;
    },
    async stop() {
      stopped = true;
      await loop;
      return Object.fromEntries(
        Object.entries(times).map(([route, ms]) => [route, {
          ...summarize(ms),
          first: ms[0]!,
          maxAtS: at[route]![ms.indexOf(Math.max(...ms))]!,
        }]),
      );
    },
  };
}

/** The peak resident memory of `pid` in MB (Linux `VmHWM`), or null. */
export function peakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
