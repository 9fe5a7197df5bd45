/**
 * One chaos run: hubs sharing one database file and worker processes behind
 * TCP proxies run a random DAG of `ChaosNode`s while the seeded schedule
 * (`run_schedule.ts`) kills, cuts, freezes and stalls; then every process is
 * stopped, the database and the data directory are checked (`verify.ts`),
 * and the findings are summed up (`summarise.ts`). Log lines are tallied as
 * they arrive (the handles keep only the last 20,000), so counts survive
 * long runs.
 */
import { delay } from "../../shared/delay.ts";
import { PollTimeoutError, pollUntil } from "../../testing/poll_until.ts";
import { startPostgres } from "../../testing/postgres.ts";
import { ChaosCluster } from "./chaos_cluster.ts";
import type { ChaosContext } from "./chaos_context.ts";
import { type ChaosOptions, type ChaosSettings, chaosSettings } from "./chaos_options.ts";
import type { ChaosSummary } from "./chaos_summary.ts";
import { LogTally } from "./log_tally.ts";
import { runSchedule } from "./run_schedule.ts";
import { type RunOutcome, summarise } from "./summarise.ts";
import { verify } from "./verify.ts";
import { type ChaosStores, startChaosStores } from "./chaos_targets.ts";

/** Runs the chaos suite and returns what it saw; `ok` is false when any check failed. */
export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const settings = chaosSettings(options);
  const pg = settings.db === "postgres" ? await startPostgres({ name: "chaos" }) : undefined;
  const dir = await Deno.makeTempDir({ prefix: "drover-chaos-" });
  let stores: ChaosStores | undefined;
  try {
    // Inside: a store that fails to start still stops the PostgreSQL server.
    if (settings.targets.length > 0) {
      stores = await startChaosStores(settings.targets, dir, pg?.url);
    }
    return await runOn(settings, dir, pg?.url, stores);
  } finally {
    await stores?.close();
    await pg?.[Symbol.asyncDispose]();
  }
}

async function runOn(
  settings: ChaosSettings,
  dir: string,
  dbUrl: string | undefined,
  stores: ChaosStores | undefined,
): Promise<ChaosSummary> {
  const started = performance.now();
  const tally = new LogTally();
  const over = new AbortController();
  const ctx: ChaosContext = {
    settings,
    cluster: new ChaosCluster(settings, dir, tally, dbUrl, stores?.env),
    tally,
    signal: over.signal,
    failures: [],
    cuts: [],
    freezes: [],
    stalls: [],
    workerKills: 0,
    hubKills: 0,
    say(line) {
      const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
      settings.progress?.(`[${s} s] ${line}`);
    },
  };
  const outcome: RunOutcome = { state: "not submitted", runtimeS: 0 };
  let scanning = true;
  const scanner = (async () => {
    while (scanning) {
      tally.scanAll();
      await delay(100);
    }
  })();
  let chaos: Promise<void> = Promise.resolve();
  try {
    await ctx.cluster.start();
    ctx.say(
      `${settings.hubs} hubs and ${settings.workers} workers up in ${dir}, on ${
        dbUrl ? `PostgreSQL (${dbUrl})` : "a libSQL file"
      }`,
    );
    const runId = await submit(ctx, outcome);
    chaos = runSchedule(ctx);
    await waitForRun(ctx, runId, outcome);
    over.abort();
    await chaos;
    // Completions a killed worker journaled are delivered by its successor: wait for all.
    const pending = await ctx.cluster.drainOutboxes();
    if (pending > 0) ctx.failures.push(`${pending} outbox entries were never acknowledged`);
  } catch (error) {
    ctx.failures.push(`the chaos run broke: ${(error as Error).stack ?? error}`);
  } finally {
    over.abort();
    await chaos; // restarts in flight finish before anything is stopped
    await ctx.cluster.stop();
    scanning = false;
    await scanner;
  }
  const found = await verify({
    dbUrl: ctx.cluster.dbUrl,
    dataDir: ctx.cluster.dataDir,
    tasks: settings.tasks,
    zombies: [...ctx.freezes, ...ctx.stalls],
    cuts: ctx.cuts,
    ttlMs: settings.ttlMs,
    failures: ctx.failures,
    stores,
  });
  const summary = summarise(ctx, found, outcome, dir);
  if (summary.ok && !settings.keepDir) await Deno.remove(dir, { recursive: true });
  return summary;
}

async function submit(ctx: ChaosContext, outcome: RunOutcome): Promise<string> {
  const o = ctx.settings;
  const { runId } = await ctx.cluster.hubs[0]!.proc.api.submit("ChaosRoot", {
    seed: o.seed,
    n: o.tasks,
    minMs: o.minTaskMs,
    maxMs: o.maxTaskMs,
  });
  outcome.state = "running";
  ctx.say(`submitted ChaosRoot(seed ${o.seed}, n ${o.tasks}) as ${runId}`);
  return runId;
}

/** Polls whichever hub is up until the run is over or the time is up. */
async function waitForRun(ctx: ChaosContext, runId: string, outcome: RunOutcome): Promise<void> {
  const hubs = ctx.cluster.hubs;
  const submittedAt = performance.now();
  let lastProgress = submittedAt;
  let polls = 0;
  try {
    await pollUntil("the run to finish", async () => {
      const hub = hubs[polls++ % hubs.length]!;
      if (hub.down) return undefined;
      try {
        const { status, body } = await hub.proc.api.request<
          { state: string; counts: Record<string, number> }
        >(`/api/runs/${runId}`);
        if (status !== 200) return undefined;
        outcome.state = body.state;
        if (body.state !== "running") return true;
        if (performance.now() - lastProgress > 10_000) {
          lastProgress = performance.now();
          const kills = `${ctx.workerKills} workers, ${ctx.hubKills} hubs`;
          ctx.say(`progress: ${JSON.stringify(body.counts)}; kills: ${kills}`);
        }
      } catch {
        // that hub is being killed or restarted: ask the other one next
      }
      return undefined;
    }, { timeoutMs: ctx.settings.timeoutS * 1_000, everyMs: 500 });
  } catch (error) {
    if (!(error instanceof PollTimeoutError)) throw error;
  }
  outcome.runtimeS = (performance.now() - submittedAt) / 1_000;
  if (outcome.state === "running") {
    ctx.failures.push(`the run did not finish within ${ctx.settings.timeoutS} s`);
  } else if (outcome.state !== "done") {
    ctx.failures.push(`the run ended ${outcome.state}, not done`);
  }
  ctx.say(`run ${outcome.state} after ${outcome.runtimeS.toFixed(1)} s; stopping the chaos`);
}
