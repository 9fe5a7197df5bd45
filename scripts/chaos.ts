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
 * Every process is started and stopped by its own handle; nothing else is
 * touched. Log lines are tallied as they arrive (the handles keep only the
 * last 20,000), so counts survive long runs.
 *
 *     deno task chaos --tasks 5000 --workers 6 --hubs 2 --seed 42
 */
import { sql } from "drizzle-orm";
import { checkInvariants, type Violation } from "../hub/db/check_invariants.ts";
import { openDatabase } from "../hub/db/client.ts";
import { delay } from "../shared/delay.ts";
import { ChaosProxy } from "./chaos_proxy.ts";
import { createChaosTasks, seededRandom } from "./chaos_tasks.ts";
import {
  api,
  createWorkerToken,
  type LogLine,
  type ProcessHandle,
  spawnHub,
  spawnWorker,
} from "./local_cluster.ts";

/** Options for {@link runChaos}. */
export interface ChaosOptions {
  /** ChaosNode tasks in the run. */
  tasks: number;
  workers: number;
  hubs: number;
  seed: number;
  ttlMs: number;
  /** Mean pause between worker SIGKILLs (each killed worker is restarted at once); 0: none. */
  workerKillEveryMs: number;
  /** Mean pause between hub SIGKILLs (each killed hub comes back on its port); 0: none. */
  hubKillEveryMs: number;
  timeoutS: number;
  /** Most hub kills in the run. Default unlimited. */
  maxHubKills?: number;
  /** Link cuts (each TTL/2 long). Default 1. */
  cuts?: number;
  /** Freezes (SIGSTOP, each 2×TTL long). Default 1. */
  freezes?: number;
  /** Link stalls (until another worker reruns a task it held; at most 3×TTL). Default 1. */
  stalls?: number;
  /**
   * Each cut, freeze and stall starts at a seeded time within this long after the
   * submission, or at a seeded share (10–50 %) of the run published,
   * whichever comes first. Default 30 s.
   */
  eventsWithinMs?: number;
  /** Slots per worker. Default 4. */
  slots?: number;
  /** Task durations, drawn per node. Default 5–200 ms. */
  minTaskMs?: number;
  maxTaskMs?: number;
  /** A killed hub comes back after this long. Default 1 s. */
  hubRestartDelayMs?: number;
  /** Keep the temporary directory (it is always kept when a check fails). */
  keepDir?: boolean;
  /** Receives one line per chaos event and a progress line every 10 s. */
  progress?: (line: string) => void;
  /** Copy every process's log lines to standard error. */
  echo?: boolean;
}

/** One link cut as it happened. */
export interface CutReport {
  worker: string;
  workerId: string;
  /** When its process started: leases granted before were a killed predecessor's. */
  since: number;
  cutMs: number;
  cutAt: number;
  /** From the start of the cut to the worker's next welcome; null if it never came. */
  backAfterMs: number | null;
  /** Its leases the hubs took back from the cut until a TTL after it was back (database). */
  leasesExpired: number;
}

/** One freeze or stall (a worker cut off past its TTL without knowing it) as it happened. */
export interface ZombieReport {
  worker: string;
  workerId: string;
  /** When its process started: leases granted before were a killed predecessor's. */
  since: number;
  forMs: number;
  startedAt: number;
  endedAt: number;
  /** What ended it. */
  endedBy: string;
  /** The first line showing the worker knew, once back, that it had lost a lease. */
  evidence: string | null;
  /** Its "completion refused; staged output discarded" lines, until a TTL after that. */
  completionsRefused: number;
  /** Its leases the hubs took back meanwhile (from the database). */
  leasesExpired: number;
}

/** What a chaos run did and found. */
export interface ChaosSummary {
  ok: boolean;
  /** Every check that failed, in words. */
  failures: string[];
  /**
   * What went worse than the README promises without breaking a guarantee
   * checked here: a cut shorter than the TTL after which leases expired
   * ("disconnected for less than the TTL: nothing is re-run").
   */
  warnings: string[];
  seed: number;
  tasks: number;
  workers: number;
  hubs: number;
  ttlMs: number;
  runState: string;
  /** From the submission until the run was seen done. */
  runtimeS: number;
  workerKills: number;
  hubKills: number;
  cuts: CutReport[];
  freezes: ZombieReport[];
  stalls: ZombieReport[];
  /** Attempts the reaper ended as expired (database). */
  leasesExpired: number;
  /** From hub log lines. */
  staleCompletionsRefused: number;
  renewalsRefused: number;
  duplicatesAbsorbed: number;
  /** From worker log lines. */
  leasesLost: number;
  attemptsAbandoned: number;
  completionsDiscarded: number;
  reconnects: number;
  workerProcesses: number;
  /** Run starts in starts.log (at least once)… */
  executions: number;
  tasksRunMoreThanOnce: number;
  /** …against publications of runs (exactly once). */
  publications: number;
  attemptsByOutcome: Record<string, number>;
  maxAttempt: number;
  invariantViolations: Violation[];
  /** Staging files of killed attempts left next to outputs (never committed, never cleaned). */
  stagingLeftovers: number;
  /** Log lines that fell out of a handle's ring before they were tallied (must be 0). */
  untalliedLines: number;
  dir: string;
}

/** Runs the chaos suite and returns what it saw; `ok` is false when any check failed. */
export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const run = new ChaosRun({
    maxHubKills: Infinity,
    cuts: 1,
    freezes: 1,
    stalls: 1,
    eventsWithinMs: 30_000,
    slots: 4,
    minTaskMs: 5,
    maxTaskMs: 200,
    hubRestartDelayMs: 1_000,
    keepDir: false,
    ...options,
  }, await Deno.makeTempDir({ prefix: "drover-chaos-" }));
  return await run.execute();
}

const COMPLETION_REFUSED = "completion refused; staged output discarded";
const TASK_SETTLED = new Set([
  "task published",
  COMPLETION_REFUSED,
  "attempt abandoned: lease lost",
  "result discarded: lease lost",
  "lease lost",
  "lease revoked",
  "task attempt failed",
  "task parked for dynamic requirements",
]);
const ZOMBIE_EVIDENCE = new Set([
  "lease lost",
  "attempt abandoned: lease lost",
  "result discarded: lease lost",
  COMPLETION_REFUSED,
]);

type Role = "hub" | "worker";
type HubProcess = ProcessHandle & { url: string };
type Settings = Required<Omit<ChaosOptions, "progress" | "echo">> & ChaosOptions;

interface WorkerSlot {
  name: string;
  stateDir: string;
  /** Minted once: a restart must not depend on the hub it would ask being up. */
  token: string;
  /** One per hub, rotated so that the workers start spread over the hubs. */
  proxies: ChaosProxy[];
  proc: ProcessHandle;
  /** When `proc` was started (a restarted worker keeps its id: this tells its leases apart). */
  spawnedAt: number;
  /** Why the kill loop must leave it alone. */
  busy: false | "restarting" | "cut" | "freeze" | "stall" | "dead";
}

interface HubSlot {
  hubId: string;
  port: number;
  proc: HubProcess;
  down: boolean;
}

/** One chaos run: its processes, its schedule and its findings. */
class ChaosRun {
  readonly #o: Settings;
  readonly #dir: string;
  readonly #dbUrl: string;
  readonly #dataDir: string;
  readonly #tally = new LogTally();
  readonly #hubs: HubSlot[] = [];
  readonly #slots: WorkerSlot[] = [];
  readonly #failures: string[] = [];
  readonly #cuts: CutReport[] = [];
  readonly #freezes: ZombieReport[] = [];
  readonly #stalls: ZombieReport[] = [];
  readonly #chaos = new AbortController();
  readonly #started = performance.now();
  #workerKills = 0;
  #hubKills = 0;
  #workerProcesses = 0;
  #runState = "not submitted";
  #runtimeS = 0;

  constructor(settings: Settings, dir: string) {
    this.#o = settings;
    this.#dir = dir;
    this.#dbUrl = `file:${dir}/hub.db`;
    this.#dataDir = `${dir}/data`;
  }

  async execute(): Promise<ChaosSummary> {
    let scanning = true;
    const scanner = (async () => {
      while (scanning) {
        this.#tally.scanAll();
        await delay(100);
      }
    })();
    let chaos: Promise<void> = Promise.resolve();
    try {
      await this.#startCluster();
      const runId = await this.#submit();
      chaos = this.#runSchedule();
      await this.#waitForRun(runId);
      this.#chaos.abort();
      await chaos;
      await this.#drainOutboxes();
    } catch (error) {
      this.#failures.push(`the chaos run broke: ${(error as Error).stack ?? error}`);
    } finally {
      this.#chaos.abort();
      await chaos; // restarts in flight finish before anything is stopped
      await this.#stopCluster();
      scanning = false;
      await scanner;
    }
    const found = await verify({
      dbUrl: this.#dbUrl,
      dataDir: this.#dataDir,
      tasks: this.#o.tasks,
      zombies: [...this.#freezes, ...this.#stalls],
      cuts: this.#cuts,
      ttlMs: this.#o.ttlMs,
      failures: this.#failures,
    });
    return await this.#summarise(found);
  }

  #say(line: string): void {
    const s = ((performance.now() - this.#started) / 1000).toFixed(1).padStart(6);
    this.#o.progress?.(`[${s} s] ${line}`);
  }

  async #startHub(hubId: string, port: number): Promise<HubProcess> {
    for (let tries = 1;; tries++) {
      try {
        const proc = await spawnHub({
          dbUrl: this.#dbUrl,
          port,
          hubId,
          leaseTtlMs: this.#o.ttlMs,
          logLevel: "info",
          echo: this.#o.echo,
        });
        this.#tally.track(proc, "hub");
        return proc;
      } catch (error) {
        if (tries >= 3) throw error;
        await delay(500); // e.g. the port not free again yet
      }
    }
  }

  async #startWorker(slot: Pick<WorkerSlot, "name" | "stateDir" | "token" | "proxies">) {
    for (let tries = 1;; tries++) {
      const spawnedAt = Date.now();
      try {
        const proc = await spawnWorker({
          hubUrl: slot.proxies.map((p) => p.url).join(","),
          entry: "scripts/chaos_worker.ts",
          name: slot.name,
          token: slot.token,
          slots: this.#o.slots,
          stateDir: slot.stateDir,
          dataDir: this.#dataDir,
          logLevel: "info",
          env: { DROVER_WORKER_GRACE_MS: "200" },
          echo: this.#o.echo,
        });
        this.#tally.track(proc, "worker");
        this.#workerProcesses++;
        return { proc, spawnedAt };
      } catch (error) {
        if (tries >= 3) throw error;
        await delay(500);
      }
    }
  }

  async #startCluster(): Promise<void> {
    // One at a time: the first hub creates and migrates the database.
    for (let i = 0; i < this.#o.hubs; i++) {
      const hubId = `hub-${i + 1}`;
      const port = freePort();
      this.#hubs.push({ hubId, port, proc: await this.#startHub(hubId, port), down: false });
    }
    const names = Array.from({ length: this.#o.workers }, (_, i) => `w${i + 1}`);
    const tokens = await Promise.all(
      names.map((name) => createWorkerToken(this.#hubs[0]!.proc.url, { name })),
    );
    const specs = names.map((name, i) => ({
      name,
      stateDir: `${this.#dir}/state/${name}`,
      token: tokens[i]!,
      proxies: this.#hubs.map((_, h) =>
        new ChaosProxy(this.#hubs[(h + i) % this.#hubs.length]!.port)
      ),
    }));
    const started = await Promise.allSettled(specs.map((spec) => this.#startWorker(spec)));
    for (const [i, p] of started.entries()) {
      const spec = specs[i]!;
      if (p.status === "fulfilled") this.#slots.push({ ...spec, ...p.value, busy: false });
      else await Promise.all(spec.proxies.map((x) => x.close()));
    }
    const refused = started.find((p) => p.status === "rejected");
    if (refused) throw (refused as PromiseRejectedResult).reason;
    this.#say(`${this.#o.hubs} hubs and ${this.#o.workers} workers up in ${this.#dir}`);
  }

  async #submit(): Promise<string> {
    const o = this.#o;
    const { status, body } = await api<{ runId: string }>(this.#hubs[0]!.proc.url, "/api/runs", {
      body: {
        family: "ChaosRoot",
        params: { seed: o.seed, n: o.tasks, minMs: o.minTaskMs, maxMs: o.maxTaskMs },
      },
    });
    if (status !== 201) throw new Error(`Submitting ChaosRoot failed: ${JSON.stringify(body)}`);
    this.#runState = "running";
    this.#say(`submitted ChaosRoot(seed ${o.seed}, n ${o.tasks}) as ${body.runId}`);
    return body.runId;
  }

  /** Polls whichever hub is up until the run is over or the time is up. */
  async #waitForRun(runId: string): Promise<void> {
    const submittedAt = performance.now();
    const deadline = submittedAt + this.#o.timeoutS * 1_000;
    let lastProgress = submittedAt;
    for (let polls = 0; performance.now() < deadline; polls++) {
      const hub = this.#hubs[polls % this.#hubs.length]!;
      try {
        if (hub.down) throw new Error("down");
        const { status, body } = await api<{ state: string; counts: Record<string, number> }>(
          hub.proc.url,
          `/api/runs/${runId}`,
        );
        if (status === 200) {
          this.#runState = body.state;
          if (body.state !== "running") break;
          if (performance.now() - lastProgress > 10_000) {
            lastProgress = performance.now();
            const kills = `${this.#workerKills} workers, ${this.#hubKills} hubs`;
            this.#say(`progress: ${JSON.stringify(body.counts)}; kills: ${kills}`);
          }
        }
      } catch {
        // that hub is being killed or restarted: ask the other one next
      }
      await delay(500);
    }
    this.#runtimeS = (performance.now() - submittedAt) / 1_000;
    if (this.#runState === "running") {
      this.#failures.push(`the run did not finish within ${this.#o.timeoutS} s`);
    } else if (this.#runState !== "done") {
      this.#failures.push(`the run ended ${this.#runState}, not done`);
    }
    this.#say(`run ${this.#runState} after ${this.#runtimeS.toFixed(1)} s; stopping the chaos`);
  }

  // ---- the chaos schedule, all from one seed ----
  // The first event of each kind fires at its seeded time or at its seeded
  // share of the run published, whichever comes first: a fast machine cannot
  // finish the run before the chaos has happened.

  async #runSchedule(): Promise<void> {
    const o = this.#o;
    const eventRandom = seededRandom(o.seed, 303);
    const eventAt = () => ({
      ms: Math.round(o.ttlMs + eventRandom() * Math.max(0, o.eventsWithinMs - o.ttlMs)),
      share: 0.1 + 0.4 * eventRandom(),
    });
    const steps: Promise<void>[] = [];
    if (o.workerKillEveryMs > 0) steps.push(this.#killWorkers());
    if (o.hubKillEveryMs > 0 && o.maxHubKills > 0) steps.push(this.#killHubs());
    for (let i = 0; i < o.cuts; i++) {
      steps.push(this.#cut(eventAt(), seededRandom(o.seed, 400 + i)));
    }
    for (let i = 0; i < o.freezes; i++) {
      steps.push(this.#zombie("freeze", eventAt(), seededRandom(o.seed, 500 + i)));
    }
    for (let i = 0; i < o.stalls; i++) {
      steps.push(this.#zombie("stall", eventAt(), seededRandom(o.seed, 600 + i)));
    }
    for (const r of await Promise.allSettled(steps)) {
      if (r.status === "rejected") {
        this.#failures.push(`a chaos step failed: ${r.reason?.stack ?? r.reason}`);
      }
    }
  }

  /** False once the chaos is over. */
  #pause(ms: number): Promise<boolean> {
    return delay(ms, this.#chaos.signal).then(() => true, () => false);
  }

  /** Waits `ms`, or until `share` of the tasks are published; false once the chaos is over. */
  async #pauseUntil(ms: number, share: number): Promise<boolean> {
    const until = performance.now() + ms;
    const published = () =>
      (this.#tally.count("hub", "task published") - this.#tally.duplicatesAbsorbed) /
      this.#o.tasks;
    while (performance.now() < until && published() < share) {
      if (!(await this.#pause(Math.min(50, until - performance.now())))) return false;
    }
    return !this.#chaos.signal.aborted;
  }

  /** A worker nobody else is doing something to, marked as taken. */
  async #takeIdle(
    random: () => number,
    why: "cut" | "freeze" | "stall",
  ): Promise<WorkerSlot | null> {
    while (!this.#chaos.signal.aborted) {
      const idle = this.#slots.filter((s) => !s.busy);
      const r = random();
      if (idle.length > 0) {
        const slot = idle[Math.floor(r * idle.length)]!;
        slot.busy = why;
        return slot;
      }
      await this.#pause(50);
    }
    return null;
  }

  async #killWorkers(): Promise<void> {
    const random = seededRandom(this.#o.seed, 101);
    const restarts: Promise<void>[] = [];
    try {
      for (let k = 0;; k++) {
        const wait = Math.round(this.#o.workerKillEveryMs * (0.5 + random()));
        const r = random();
        if (!(await (k === 0 ? this.#pauseUntil(wait, 0.1) : this.#pause(wait)))) return;
        const idle = this.#slots.filter((s) => !s.busy);
        if (idle.length === 0) continue;
        const slot = idle[Math.floor(r * idle.length)]!;
        slot.busy = "restarting";
        const old = slot.proc;
        old.kill("SIGKILL");
        await old.stop();
        this.#tally.retire(old);
        this.#workerKills++;
        this.#say(`SIGKILL worker ${slot.name} (pid ${old.pid}); restarting it`);
        // Same name and state directory: the successor replays the outbox.
        restarts.push(
          this.#startWorker(slot).then(({ proc, spawnedAt }) => {
            slot.proc = proc;
            slot.spawnedAt = spawnedAt;
            slot.busy = false;
          }, (error) => {
            slot.busy = "dead";
            this.#failures.push(`worker ${slot.name} could not be restarted: ${error.message}`);
          }),
        );
      }
    } finally {
      await Promise.all(restarts);
    }
  }

  async #killHubs(): Promise<void> {
    const random = seededRandom(this.#o.seed, 202);
    for (let k = 0; k < this.#o.maxHubKills; k++) {
      const wait = Math.round(this.#o.hubKillEveryMs * (0.5 + random()));
      const r = random();
      const share = 0.2 + 0.3 * random();
      if (!(await (k === 0 ? this.#pauseUntil(wait, share) : this.#pause(wait)))) return;
      const hub = this.#hubs[Math.floor(r * this.#hubs.length)]!;
      hub.down = true;
      hub.proc.kill("SIGKILL");
      await hub.proc.stop();
      this.#tally.retire(hub.proc);
      this.#hubKills++;
      this.#say(
        `SIGKILL ${hub.hubId} (pid ${hub.proc.pid}); back in ${this.#o.hubRestartDelayMs} ms`,
      );
      await delay(this.#o.hubRestartDelayMs); // always brought back, even when the chaos is over
      hub.proc = await this.#startHub(hub.hubId, hub.port);
      hub.down = false;
      this.#say(`${hub.hubId} restarted on port ${hub.port}`);
    }
  }

  /** Cuts every link of one worker for TTL/2 and sees whether its leases survive. */
  async #cut(at: { ms: number; share: number }, random: () => number): Promise<void> {
    if (!(await this.#pauseUntil(at.ms, at.share))) return;
    const slot = await this.#takeIdle(random, "cut");
    if (!slot) return;
    const proc = slot.proc;
    const cutMs = Math.round(this.#o.ttlMs / 2);
    const workerId = String(proc.lines.find((l) => typeof l.workerId === "string")?.workerId);
    const back = settle(
      nextLine(proc, (l) => l.msg === "connected to the hub", cutMs + 30_000, "a reconnection"),
    );
    const cutAt = Date.now();
    this.#say(`cut ${slot.name}'s links for ${cutMs} ms`);
    await Promise.all(slot.proxies.map((p) => p.cut(cutMs)));
    const line = await back;
    const backAfterMs = line instanceof Error ? null : Date.now() - cutAt;
    this.#cuts.push({
      worker: slot.name,
      workerId,
      since: slot.spawnedAt,
      cutMs,
      cutAt,
      backAfterMs,
      leasesExpired: 0, // counted in the database at the end
    });
    // Left alone a while longer, so that its leases counted for the cut (up to a
    // TTL after it is back) are not those of a kill that follows.
    await delay(this.#o.ttlMs);
    this.#say(`${slot.name} back after ${backAfterMs} ms`);
    slot.busy = false;
  }

  /**
   * Cuts one worker off past its TTL without it knowing: frozen by SIGSTOP,
   * or its links stalled (it runs on; its renewals and completions reach the
   * hub late, in order). Back, it must learn that it lost its leases, and
   * publish none of them. A stall ends as soon as another worker starts
   * again a task the stalled one held, so that its late completion meets a
   * newer epoch: the fencing of publications, not only of renewals, is
   * exercised, and a stall must show a completion refused as stale.
   */
  async #zombie(
    kind: "freeze" | "stall",
    at: { ms: number; share: number },
    random: () => number,
  ): Promise<void> {
    if (!(await this.#pauseUntil(at.ms, at.share))) return;
    const reports = kind === "freeze" ? this.#freezes : this.#stalls;
    // A zombie that held no lease proves nothing: try another worker, up to 3 times.
    for (let tries = 1; tries <= 3 && !this.#chaos.signal.aborted; tries++) {
      const slot = await this.#takeIdle(random, kind);
      if (!slot) return;
      const proc = slot.proc;
      // Start right after it starts a task, so that it surely holds a lease.
      await settle(nextLine(proc, (l) => l.msg === "task started", 10_000, '"task started"'));
      const workerId = String(proc.lines.find((l) => typeof l.workerId === "string")?.workerId);
      const refusedBefore = this.#tally.of(proc, COMPLETION_REFUSED);
      const ttlMs = this.#o.ttlMs;
      const waitMs = 3 * ttlMs + Math.max(10_000, 5 * ttlMs);
      const isEvidence = (l: LogLine) => ZOMBIE_EVIDENCE.has(String(l.msg));
      const startedAt = Date.now();
      let evidence: Promise<LogLine | Error>;
      let endedBy: string;
      if (kind === "freeze") {
        proc.kill("SIGSTOP");
        this.#say(`SIGSTOP ${slot.name} (pid ${proc.pid}) for ${2 * ttlMs} ms`);
        try {
          await delay(2 * ttlMs);
        } finally {
          evidence = settle(nextLine(proc, isEvidence, waitMs));
          proc.kill("SIGCONT");
        }
        endedBy = "SIGCONT after 2 TTLs";
      } else {
        evidence = settle(nextLine(proc, isEvidence, waitMs));
        const held = heldTasks(proc.lines);
        let rerun: string | null = null;
        const listen = (other: ProcessHandle, role: Role, l: LogLine) => {
          if (other !== proc && role === "worker" && l.msg === "task started") {
            if (held.has(String(l.taskId))) rerun ??= `${other.name} started ${l.taskId}`;
          }
        };
        this.#tally.listeners.add(listen);
        this.#say(`stall ${slot.name}'s links (${held.size} leases held)`);
        const stalls = slot.proxies.map((p) => p.stall(3 * ttlMs));
        while (rerun === null && Date.now() < startedAt + 3 * ttlMs) {
          await delay(5);
          this.#tally.scanAll();
        }
        this.#tally.listeners.delete(listen);
        for (const p of slot.proxies) p.release();
        await Promise.all(stalls);
        endedBy = rerun ?? "3 TTLs";
      }
      const endedAt = Date.now();
      const forMs = endedAt - startedAt;
      const line = await evidence;
      const seen = line instanceof Error ? null : String(line.msg);
      if (seen) await delay(this.#o.ttlMs); // the rest of its refusals arrive by then
      const completionsRefused = this.#tally.of(proc, COMPLETION_REFUSED) - refusedBefore;
      reports.push({
        worker: slot.name,
        workerId,
        since: slot.spawnedAt,
        forMs,
        startedAt,
        endedAt,
        endedBy,
        evidence: seen,
        completionsRefused,
        leasesExpired: 0, // counted in the database at the end
      });
      const what = seen ? `"${seen}"; completions refused: ${completionsRefused}` : "nothing lost";
      this.#say(`${slot.name} back from its ${kind} (${endedBy}): ${what}`);
      slot.busy = false;
      if (seen && (kind === "freeze" || completionsRefused > 0)) return;
    }
  }

  /** Completions a killed worker journaled are delivered by its successor: wait for all. */
  async #drainOutboxes(): Promise<void> {
    const by = Date.now() + 30_000;
    let pending = await outboxPending(this.#slots);
    while (pending > 0 && Date.now() < by) {
      await delay(200);
      pending = await outboxPending(this.#slots);
    }
    if (pending > 0) this.#failures.push(`${pending} outbox entries were never acknowledged`);
  }

  async #stopCluster(): Promise<void> {
    for (const slot of this.#slots) slot.proc.kill("SIGCONT"); // never leave a process stopped
    await Promise.all(this.#slots.map((s) => s.proc.stop(5_000)));
    await Promise.all(this.#hubs.map((h) => h.proc.stop(5_000)));
    await Promise.all(this.#slots.flatMap((s) => s.proxies.map((p) => p.close())));
    for (const s of this.#slots) this.#tally.retire(s.proc);
    for (const h of this.#hubs) this.#tally.retire(h.proc);
  }

  async #summarise(found: Awaited<ReturnType<typeof verify>>): Promise<ChaosSummary> {
    const o = this.#o;
    const t = this.#tally;
    const failures = this.#failures;
    // The chaos must have happened, or the checks prove nothing.
    if (o.workerKillEveryMs > 0 && this.#workerKills === 0) failures.push("no worker was killed");
    if (o.hubKillEveryMs > 0 && o.maxHubKills > 0 && this.#hubKills === 0) {
      failures.push("no hub was killed");
    }
    if (this.#cuts.length < o.cuts) {
      failures.push(`${this.#cuts.length} of ${o.cuts} cuts happened`);
    }
    for (const c of this.#cuts) {
      if (c.backAfterMs === null) failures.push(`${c.worker} never reconnected after its cut`);
    }
    if (o.freezes > 0 && !this.#freezes.some((f) => f.leasesExpired > 0 && f.evidence)) {
      failures.push("no frozen worker lost a lease and noticed: the zombie was not exercised");
    }
    if (o.stalls > 0 && !this.#stalls.some((f) => f.leasesExpired > 0 && f.completionsRefused)) {
      failures.push("no stalled worker had a completion refused: stale publication not exercised");
    }
    if (t.untallied > 0) failures.push(`${t.untallied} log lines were lost before being counted`);
    const summary: ChaosSummary = {
      ok: failures.length === 0,
      failures,
      warnings: this.#cuts.filter((c) => c.leasesExpired > 0).map((c) =>
        `${c.worker} was cut off for ${c.cutMs} ms (TTL ${o.ttlMs} ms), came back after ` +
        `${c.backAfterMs ?? "never"} ms, and ${c.leasesExpired} of its leases expired`
      ),
      seed: o.seed,
      tasks: o.tasks,
      workers: o.workers,
      hubs: o.hubs,
      ttlMs: o.ttlMs,
      runState: this.#runState,
      runtimeS: Math.round(this.#runtimeS * 10) / 10,
      workerKills: this.#workerKills,
      hubKills: this.#hubKills,
      cuts: this.#cuts,
      freezes: this.#freezes,
      stalls: this.#stalls,
      leasesExpired: found.attemptsByOutcome.expired ?? 0,
      staleCompletionsRefused: t.count("hub", "stale completion refused"),
      renewalsRefused: t.count("hub", "renewal refused"),
      duplicatesAbsorbed: t.duplicatesAbsorbed,
      leasesLost: t.count("worker", "lease lost"),
      attemptsAbandoned: t.count("worker", "attempt abandoned: lease lost") +
        t.count("worker", "result discarded: lease lost"),
      completionsDiscarded: t.count("worker", "completion refused; staged output discarded"),
      // Every process was welcomed once before spawnWorker() returned.
      reconnects: t.count("worker", "connected to the hub") - this.#workerProcesses,
      workerProcesses: this.#workerProcesses,
      ...found,
      untalliedLines: t.untallied,
      dir: this.#dir,
    };
    if (summary.ok && !o.keepDir) await Deno.remove(this.#dir, { recursive: true });
    return summary;
  }
}

/** Counts log lines per message as they arrive, across process restarts. */
class LogTally {
  readonly #totals: Record<Role, Map<string, number>> = { hub: new Map(), worker: new Map() };
  readonly #perProcess = new Map<ProcessHandle, Map<string, number>>();
  readonly #cursors = new Map<ProcessHandle, { role: Role; last: LogLine | null }>();
  /** Hub "task published" lines with `repeat: true`: redeliveries absorbed by their key. */
  duplicatesAbsorbed = 0;
  /** Times a handle's ring dropped lines this tally had not seen yet. */
  untallied = 0;
  /** See every line as it is tallied. */
  readonly listeners = new Set<(handle: ProcessHandle, role: Role, line: LogLine) => void>();

  track(handle: ProcessHandle, role: Role): void {
    this.#cursors.set(handle, { role, last: null });
    this.#perProcess.set(handle, new Map());
  }

  scanAll(): void {
    for (const handle of this.#cursors.keys()) this.#scan(handle);
  }

  /** Tallies what is left of a process that exited, then forgets its handle. */
  retire(handle: ProcessHandle): void {
    this.#scan(handle);
    this.#cursors.delete(handle);
  }

  /** Lines with `msg` from one process so far. */
  of(handle: ProcessHandle, msg: string): number {
    this.#scan(handle);
    return this.#perProcess.get(handle)?.get(msg) ?? 0;
  }

  /** Lines with `msg` from every process of a role so far. */
  count(role: Role, msg: string): number {
    return this.#totals[role].get(msg) ?? 0;
  }

  #scan(handle: ProcessHandle): void {
    const cursor = this.#cursors.get(handle);
    if (!cursor) return;
    // The ring drops its oldest 5,000 lines at 20,000: find our place by identity.
    const lines = handle.lines;
    let start = 0;
    if (cursor.last) {
      const i = lines.lastIndexOf(cursor.last);
      if (i < 0) this.untallied++;
      start = i + 1;
    }
    const totals = this.#totals[cursor.role];
    const mine = this.#perProcess.get(handle)!;
    for (let i = start; i < lines.length; i++) {
      const line = lines[i]!;
      const msg = String(line.msg ?? "");
      totals.set(msg, (totals.get(msg) ?? 0) + 1);
      mine.set(msg, (mine.get(msg) ?? 0) + 1);
      if (cursor.role === "hub" && msg === "task published" && line.repeat === true) {
        this.duplicatesAbsorbed++;
      }
      for (const listen of this.listeners) listen(handle, cursor.role, line);
    }
    if (lines.length > 0) cursor.last = lines[lines.length - 1]!;
  }
}

/** The end checks, on the database and the data directory, after every process stopped. */
async function verify(input: {
  dbUrl: string;
  dataDir: string;
  tasks: number;
  zombies: ZombieReport[];
  cuts: CutReport[];
  ttlMs: number;
  failures: string[];
}) {
  const { failures, tasks } = input;
  const database = await openDatabase(input.dbUrl, { busyTimeoutMs: 5_000 });
  try {
    const db = database.db;
    const count = async (query: ReturnType<typeof sql>) =>
      Number((await db.all<{ n: number }>(query))[0]?.n ?? 0);

    const [root] = await db.all<{ state: string }>(
      sql`SELECT state FROM tasks WHERE family = 'ChaosRoot'`,
    );
    if (root?.state !== "done") failures.push(`ChaosRoot is ${root?.state ?? "missing"}, not done`);
    const states = await db.all<{ state: string; n: number }>(
      sql`SELECT state, count(*) AS n FROM tasks WHERE family = 'ChaosNode' GROUP BY state`,
    );
    const done = states.find((s) => s.state === "done")?.n ?? 0;
    const all = states.reduce((sum, s) => sum + s.n, 0);
    if (done !== tasks || all !== tasks) {
      failures.push(`${done} of ${tasks} ChaosNodes are done: ${JSON.stringify(states)}`);
    }
    const notOnce = await count(sql`SELECT count(*) AS n FROM (SELECT t.id FROM tasks t
      LEFT JOIN publications p ON p.task_id = t.id GROUP BY t.id HAVING count(p.key) != 1)`);
    if (notOnce > 0) failures.push(`${notOnce} tasks do not have exactly one publication`);
    // Fencing, beyond checkInvariants(): no grant follows a publication, so a task
    // is published at its last epoch; and a lease that ended left no attempt open.
    // (A completion accepted at a stale epoch breaks both.)
    const fenced = await count(sql`SELECT count(*) AS n FROM publications p
      JOIN tasks t ON t.id = p.task_id WHERE p.epoch != t.lease_epoch`);
    if (fenced > 0) failures.push(`${fenced} publications at an epoch older than their task's`);
    const dangling = await count(sql`SELECT count(*) AS n FROM attempts a
      JOIN tasks t ON t.id = a.task_id
      WHERE a.ended_at IS NULL AND (t.state != 'leased' OR a.epoch != t.lease_epoch)`);
    if (dangling > 0) failures.push(`${dangling} attempts still open after their lease ended`);
    const afterExpiry = await count(sql`SELECT count(*) AS n FROM publications p JOIN attempts a
      ON a.task_id = p.task_id AND a.epoch = p.epoch WHERE a.outcome = 'expired'`);
    if (afterExpiry > 0) failures.push(`${afterExpiry} publications at an expired lease's epoch`);
    const invariantViolations = await checkInvariants(db);
    if (invariantViolations.length > 0) {
      failures.push(`invariant violations: ${JSON.stringify(invariantViolations)}`);
    }
    const publications = await count(
      sql`SELECT count(*) AS n FROM publications WHERE kind = 'run'`,
    );
    const attemptsByOutcome: Record<string, number> = {};
    const outcomes = await db.all<{ outcome: string | null; n: number }>(
      sql`SELECT outcome, count(*) AS n FROM attempts GROUP BY outcome ORDER BY n DESC`,
    );
    for (const r of outcomes) attemptsByOutcome[r.outcome ?? "open"] = r.n;
    const maxAttempt = await count(sql`SELECT max(attempt) AS n FROM tasks`);
    // Leases of that very process (a restarted worker keeps its id) that expired in a window.
    const expiredOf = (w: { workerId: string; since: number }, from: number, to: number) =>
      count(sql`SELECT count(*) AS n FROM attempts WHERE worker_id = ${w.workerId}
        AND started_at >= ${w.since} AND outcome = 'expired' AND ended_at BETWEEN ${from} AND ${to}`);
    for (const c of input.cuts) {
      const back = c.cutAt + (c.backAfterMs ?? 60_000);
      c.leasesExpired = await expiredOf(c, c.cutAt, back + input.ttlMs);
    }
    for (const z of input.zombies) {
      z.leasesExpired = await expiredOf(z, z.startedAt, z.endedAt + input.ttlMs);
      if (z.leasesExpired > 0 && !z.evidence) {
        failures.push(`${z.worker} lost ${z.leasesExpired} leases while cut off but never noticed`);
      }
    }

    // The visible output of every node is the one its publication accepted.
    const { ChaosNode } = createChaosTasks(input.dataDir);
    const published = await db.all<{ params: string; attempt: number }>(sql`
      SELECT t.params, a.attempt FROM tasks t JOIN publications p ON p.task_id = t.id
      JOIN attempts a ON a.task_id = t.id AND a.epoch = p.epoch WHERE t.family = 'ChaosNode'`);
    let wrongOutputs = tasks - published.length;
    for (const row of published) {
      const target = ChaosNode.definition.output!(JSON.parse(row.params));
      try {
        const output = JSON.parse(await Deno.readTextFile(target.path));
        if (output.attempt !== row.attempt) wrongOutputs++;
      } catch {
        wrongOutputs++;
      }
    }
    if (wrongOutputs > 0) {
      failures.push(`${wrongOutputs} node outputs are missing or not the published attempt's`);
    }

    const starts = await readLines(`${input.dataDir}/starts.log`);
    const runsPerTask = new Map<string, number>();
    for (const line of starts) {
      const id = line.split(" ")[0]!;
      runsPerTask.set(id, (runsPerTask.get(id) ?? 0) + 1);
    }
    if (runsPerTask.size !== tasks) {
      failures.push(`${runsPerTask.size} distinct tasks ran, expected ${tasks}`);
    }
    let stagingLeftovers = 0;
    for await (const group of readDirOrNothing(`${input.dataDir}/chaos`)) {
      for await (const file of readDirOrNothing(`${input.dataDir}/chaos/${group.name}`)) {
        if (file.name.includes(".staging-")) stagingLeftovers++;
      }
    }
    return {
      executions: starts.length,
      tasksRunMoreThanOnce: [...runsPerTask.values()].filter((n) => n > 1).length,
      publications,
      attemptsByOutcome,
      maxAttempt,
      invariantViolations,
      stagingLeftovers,
    };
  } finally {
    database.close();
  }
}

/** Tasks a worker started and has not yet published, failed, lost or handed back. */
function heldTasks(lines: readonly LogLine[]): Set<string> {
  const held = new Set<string>();
  for (const l of lines) {
    if (typeof l.taskId !== "string") continue;
    if (l.msg === "task started") held.add(l.taskId);
    else if (TASK_SETTLED.has(String(l.msg))) held.delete(l.taskId);
  }
  return held;
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

async function readLines(path: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter(Boolean);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

async function* readDirOrNothing(path: string): AsyncGenerator<Deno.DirEntry> {
  try {
    yield* Deno.readDir(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * The next line matching `match` that arrives after this call. (Not
 * `ProcessHandle.next()`: it compares absolute indices, so once the ring has
 * dropped lines it never matches again.)
 */
function nextLine(
  handle: ProcessHandle,
  match: (l: LogLine) => boolean,
  timeoutMs: number,
  what?: string,
): Promise<LogLine> {
  let arrived = false;
  // waitFor() looks at the lines already seen synchronously, before this flag flips.
  const line = handle.waitFor((l) => arrived && match(l), timeoutMs, what);
  arrived = true;
  return line;
}

/** A promise that never rejects: it resolves with the value or the error. */
function settle<T>(p: Promise<T>): Promise<T | Error> {
  return p.catch((error) => error instanceof Error ? error : new Error(String(error)));
}

/**
 * A free port for a hub that must come back on the same address. It is taken
 * below the ephemeral range: while a killed hub is down, an outgoing
 * connection (ours or another test's) could otherwise be given its port.
 */
function freePort(): number {
  let below = 32_768;
  try {
    const range = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range");
    below = Number(range.trim().split(/\s+/)[0]) || below;
  } catch {
    // not Linux: the usual range starts at 49152 or 32768
  }
  for (let tries = 0; tries < 100 && below > 11_000; tries++) {
    const port = 10_000 + Math.floor(Math.random() * (below - 10_000));
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // taken: try another
    }
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** The summary as a two-column table. */
export function formatTable(s: ChaosSummary): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const cuts = s.cuts.map((c) =>
    `${c.worker}: ${n(c.cutMs)} ms, back after ${c.backAfterMs ?? "never"} ms, ` +
    `${c.leasesExpired} leases expired`
  );
  const zombies = (list: ZombieReport[]) =>
    list.map((z) =>
      `${z.worker}: ${
        n(z.forMs)
      } ms (ended by ${z.endedBy}), ${z.leasesExpired} leases expired, then ` +
      `"${z.evidence ?? "nothing"}", ${z.completionsRefused} completions refused`
    ).join("; ") || "0";
  const rows: Array<[string, string]> = [
    ["tasks", `${n(s.tasks)} ChaosNode + 1 ChaosRoot (seed ${s.seed})`],
    ["cluster", `${s.hubs} hubs, ${s.workers} workers, TTL ${n(s.ttlMs)} ms`],
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
    ["most attempts of one task", n(s.maxAttempt)],
    ["staging files left by killed attempts", n(s.stagingLeftovers)],
    ["invariant violations", n(s.invariantViolations.length)],
    ["warnings", s.warnings.join("; ") || "none"],
    ["result", s.ok ? "PASS" : `FAIL: ${s.failures.join("; ")}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

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

/** Parses `--name value` / `--name=value` flags (whole numbers) over the defaults. */
export function parseChaosFlags(args: readonly string[]): ChaosOptions {
  const v: Record<string, number> = { ...FLAGS };
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]!);
    if (!m || !(m[1]! in FLAGS)) {
      const known = Object.keys(FLAGS).map((f) => `--${f}`).join(" ");
      throw new TypeError(`Unknown argument "${args[i]}"; the flags are ${known}`);
    }
    const text = m[2] ?? args[++i];
    const value = Number(text);
    if (text === undefined || text === "" || !Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`--${m[1]} needs a whole number, not ${JSON.stringify(text)}`);
    }
    v[m[1]!] = value;
  }
  for (const name of ["tasks", "workers", "hubs", "ttl-ms", "timeout-s"]) {
    if (v[name]! < 1) throw new RangeError(`--${name} must be at least 1`);
  }
  return {
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
  console.log(formatTable(summary));
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
