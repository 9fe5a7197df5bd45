/**
 * The processes of a chaos run: hubs on fixed ports sharing one database
 * file, and workers that reach every hub through their own TCP proxies (so
 * that one worker's links can be cut or stalled). Workers and hubs are
 * restarted in place, under the same name, state directory and port. Every
 * process is started and stopped by its own handle, and its lines are
 * tallied as they arrive.
 */
import { createWorkerToken } from "../../testing/create_worker_token.ts";
import { freePort } from "../../testing/free_port.ts";
import { PollTimeoutError, pollUntil } from "../../testing/poll_until.ts";
import type { ProcessHandle } from "../../testing/process_handle.ts";
import { type HubProcess, spawnHub } from "../../testing/spawn_hub.ts";
import { spawnWorker } from "../../testing/spawn_worker.ts";
import { delay } from "../../shared/delay.ts";
import { generateToken } from "../../shared/token_format.ts";
import { ChaosProxy } from "./chaos_proxy.ts";
import type { ChaosSettings } from "./chaos_options.ts";
import type { LogTally } from "./log_tally.ts";
import { readLines } from "./read_lines.ts";

/** Why the chaos must leave a worker alone (false: it may be picked). */
export type Busy = false | "restarting" | "cut" | "freeze" | "stall" | "dead";

/** One worker, across its restarts. */
export interface WorkerSlot {
  name: string;
  stateDir: string;
  /** Minted once: a restart must not depend on the hub it would ask being up. */
  token: string;
  /** One per hub, rotated so that the workers start spread over the hubs. */
  proxies: ChaosProxy[];
  proc: ProcessHandle;
  /** When `proc` was started (a restarted worker keeps its id: this tells its leases apart). */
  spawnedAt: number;
  busy: Busy;
}

/** One hub, across its restarts. */
export interface HubSlot {
  hubId: string;
  port: number;
  proc: HubProcess;
  down: boolean;
}

/** The hubs and workers of one chaos run. */
export class ChaosCluster {
  readonly hubs: HubSlot[] = [];
  readonly slots: WorkerSlot[] = [];
  readonly dbUrl: string;
  readonly dataDir: string;
  /** Worker processes started, restarts included. */
  workerProcesses = 0;
  readonly #o: ChaosSettings;
  readonly #dir: string;
  readonly #tally: LogTally;
  /** Stored by every hub, so that a restarted hub accepts it as well. */
  readonly #adminToken = generateToken().token;

  readonly #workerEnv: Record<string, string>;

  /**
   * `dbUrl`: the hubs' database; default a libSQL file in `dir`. `workerEnv`:
   * what every worker's environment adds (how to reach the run's stores).
   */
  constructor(
    settings: ChaosSettings,
    dir: string,
    tally: LogTally,
    dbUrl?: string,
    workerEnv: Record<string, string> = {},
  ) {
    this.#o = settings;
    this.#workerEnv = workerEnv;
    this.#dir = dir;
    this.#tally = tally;
    this.dbUrl = dbUrl ?? `file:${dir}/hub.db`;
    this.dataDir = `${dir}/data`;
  }

  /** Starts the hubs one at a time (the first migrates the database), then every worker. */
  async start(): Promise<void> {
    for (let i = 0; i < this.#o.hubs; i++) {
      const hubId = `hub-${i + 1}`;
      const port = freePort();
      this.hubs.push({ hubId, port, proc: await this.startHub(hubId, port), down: false });
    }
    const names = Array.from({ length: this.#o.workers }, (_, i) => `w${i + 1}`);
    const api = this.hubs[0]!.proc.api;
    const tokens = await Promise.all(names.map((name) => createWorkerToken(api, { name })));
    const specs = names.map((name, i) => ({
      name,
      stateDir: `${this.#dir}/state/${name}`,
      token: tokens[i]!,
      proxies: this.hubs.map((_, h) => new ChaosProxy(this.hubs[(h + i) % this.hubs.length]!.port)),
    }));
    const started = await Promise.allSettled(specs.map((spec) => this.startWorker(spec)));
    for (const [i, p] of started.entries()) {
      const spec = specs[i]!;
      if (p.status === "fulfilled") this.slots.push({ ...spec, ...p.value, busy: false });
      else await Promise.all(spec.proxies.map((x) => x.close()));
    }
    const refused = started.find((p) => p.status === "rejected");
    if (refused) throw (refused as PromiseRejectedResult).reason;
  }

  /** Starts a hub on `port` (three tries: the port may not be free again yet). */
  async startHub(hubId: string, port: number): Promise<HubProcess> {
    for (let tries = 1;; tries++) {
      try {
        const proc = await spawnHub({
          dbUrl: this.dbUrl,
          port,
          hubId,
          adminToken: this.#adminToken,
          leaseTtlMs: this.#o.ttlMs,
          logLevel: "info",
          env: { DROVER_DATA_DIR: this.dataDir },
          echo: this.#o.echo,
        });
        this.#tally.track(proc, "hub");
        return proc;
      } catch (error) {
        if (tries >= 3) throw error;
        await delay(500);
      }
    }
  }

  /** Starts a worker behind its proxies (three tries) and waits until it is welcomed. */
  async startWorker(
    slot: Pick<WorkerSlot, "name" | "stateDir" | "token" | "proxies">,
  ): Promise<{ proc: ProcessHandle; spawnedAt: number }> {
    for (let tries = 1;; tries++) {
      const spawnedAt = Date.now();
      try {
        const proc = await spawnWorker({
          hubUrl: slot.proxies.map((p) => p.url).join(","),
          entry: "scripts/chaos/chaos_worker.ts",
          name: slot.name,
          token: slot.token,
          slots: this.#o.slots,
          stateDir: slot.stateDir,
          dataDir: this.dataDir,
          logLevel: "info",
          env: {
            ...this.#workerEnv,
            DROVER_WORKER_GRACE_MS: "200",
            // Even-numbered workers also hold prefetched leases (protocol 2).
            DROVER_WORKER_PREFETCH: String(prefetchOf(slot.name, this.#o.slots)),
          },
          echo: this.#o.echo,
        });
        this.#tally.track(proc, "worker");
        this.workerProcesses++;
        return { proc, spawnedAt };
      } catch (error) {
        if (tries >= 3) throw error;
        await delay(500);
      }
    }
  }

  /**
   * Waits (30 s at most) until every completion a killed worker journaled has
   * been delivered by its successor; resolves with the entries still pending.
   */
  async drainOutboxes(): Promise<number> {
    let pending = 0;
    try {
      await pollUntil("the outboxes to drain", async () => {
        pending = await outboxPending(this.slots);
        return pending === 0 ? true : undefined;
      }, { timeoutMs: 30_000, everyMs: 200 });
    } catch (error) {
      if (!(error instanceof PollTimeoutError)) throw error;
    }
    return pending;
  }

  /** Stops every worker, then every hub, then the proxies; tallies their last lines. */
  async stop(): Promise<void> {
    for (const slot of this.slots) slot.proc.kill("SIGCONT"); // never leave a process stopped
    await Promise.all(this.slots.map((s) => s.proc.stop(5_000)));
    await Promise.all(this.hubs.map((h) => h.proc.stop(5_000)));
    await Promise.all(this.slots.flatMap((s) => s.proxies.map((p) => p.close())));
    for (const s of this.slots) this.#tally.retire(s.proc);
    for (const h of this.hubs) this.#tally.retire(h.proc);
  }
}

/** Entries in the workers' outbox journals that no acknowledgement has removed. */
async function outboxPending(slots: readonly WorkerSlot[]): Promise<number> {
  let pending = 0;
  for (const slot of slots) {
    const keys = new Set<string>();
    for (const line of await readLines(`${slot.stateDir}/outbox.jsonl`)) {
      try {
        const entry = JSON.parse(line);
        if (entry.op === "add") keys.add(entry.entry.key);
        else keys.delete(entry.key);
      } catch {
        // a torn last line
      }
    }
    pending += keys.size;
  }
  return pending;
}

/** Prefetched leases of worker `name`: as many as its slots for w2, w4, …; none for the others. */
export function prefetchOf(name: string, slots: number): number {
  return Number(name.replace(/\D/g, "")) % 2 === 0 ? slots : 0;
}
