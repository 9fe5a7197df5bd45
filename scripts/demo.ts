/**
 * `deno task demo`: the edge fleet in one command. Starts a hub on a
 * temporary database and three workers labelled `region=eu-west`,
 * `region=us-east` and `region=on-prem` (`scripts/demo_worker.ts`), runs
 * `RegionalReport` (`examples/regional.ts`: one extract pinned to each
 * region, a report that may run anywhere), then prints where each task ran
 * and checks that every pinned task ran where it was pinned.
 *
 *     deno task demo [runDate]     # runDate defaults to today (UTC)
 *
 * Exits 0 when the run is done and every placement holds, 1 otherwise.
 * Every process is stopped by its own handle and the temporary directory is
 * removed, also on Ctrl-C and on errors.
 */
import { createRegionalTasks, REGIONS } from "../examples/regional.ts";
import {
  describeSelector,
  type Labels,
  matchesSelector,
  pinKey,
  type Selector,
} from "../shared/selector.ts";
import { pinOf } from "../worker/pin_of.ts";
import { api, type ProcessHandle, spawnHub, spawnWorker, waitForRun } from "./local_cluster.ts";

/** One attempt of a task, as `GET /api/tasks/:id` shows it (the fields read here). */
interface AttemptView {
  kind: "expand" | "run";
  epoch: number;
  workerName: string | null;
  workerLabels: Labels | null;
  outcome: string | null;
}

/** A task, as `GET /api/tasks/:id` shows it (the fields read here). */
interface TaskView {
  id: string;
  family: string;
  params: Record<string, unknown>;
  state: string;
  pin: Selector;
  attempts: AttemptView[];
}

/** One line of the placement table. */
interface PlacementRow {
  task: string;
  family: string;
  pinnedTo: string;
  ranOn: string;
  workerRegion: string;
  attempts: string;
  state: string;
}

const HEADER = ["TASK", "FAMILY", "PINNED TO", "RAN ON", "WORKER REGION", "ATTEMPTS", "STATE"];
const RUN_TIMEOUT_MS = 20_000;

/** The run attempt that published the task, else its last run attempt. */
function placedAttempt(task: TaskView): AttemptView | undefined {
  const runs = task.attempts.filter((a) => a.kind === "run");
  return runs.find((a) => a.outcome === "done") ?? runs.at(-1);
}

function toRow(task: TaskView): PlacementRow {
  const placed = placedAttempt(task);
  return {
    task: task.id,
    family: task.family,
    pinnedTo: describeSelector(task.pin),
    ranOn: placed?.workerName ?? "-",
    workerRegion: placed?.workerLabels?.region ?? "-",
    attempts: String(task.attempts.filter((a) => a.kind === "run").length),
    state: task.state,
  };
}

/** The rows as plain text columns, two spaces apart. */
function formatTable(rows: readonly PlacementRow[]): string {
  const cells = [
    HEADER,
    ...rows.map((r) => [
      r.task,
      r.family,
      r.pinnedTo,
      r.ranOn,
      r.workerRegion,
      r.attempts,
      r.state,
    ]),
  ];
  const widths = HEADER.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd())
    .join("\n");
}

/**
 * What is wrong with where `tasks` ran, one message per problem: a task not
 * done, a task whose pin on the hub is not the one its family computes for
 * its parameters, or an attempt of a pinned task on a worker its pin
 * excludes. Expansions handed back unexpanded ("released") are allowed: that
 * is how a worker refuses a task pinned elsewhere.
 */
function placementProblems(tasks: readonly TaskView[], dataDir: string): string[] {
  const families = new Map<string, ReturnType<typeof createRegionalTasks>["all"][number]>(
    createRegionalTasks(dataDir).all.map((f) => [f.name, f]),
  );
  const problems: string[] = [];
  for (const task of tasks) {
    if (task.state !== "done") problems.push(`${task.id} is ${task.state}, not done`);
    const family = families.get(task.family);
    if (family) {
      const expected = pinOf(family.of(task.params as never));
      if (pinKey(expected) !== pinKey(task.pin)) {
        problems.push(
          `${task.id} should be pinned to ${describeSelector(expected)} but the hub has it ` +
            `pinned to ${describeSelector(task.pin)}`,
        );
      }
    }
    if (Object.keys(task.pin).length === 0) continue;
    for (const a of task.attempts) {
      if (a.kind === "expand" && a.outcome === "released") continue;
      if (!matchesSelector(a.workerLabels ?? {}, task.pin)) {
        problems.push(
          `${task.id} is pinned to ${describeSelector(task.pin)} but its ${a.kind} attempt ` +
            `(epoch ${a.epoch}) ran on ${a.workerName ?? "an unknown worker"} ` +
            `(${describeSelector(a.workerLabels ?? {})})`,
        );
      }
    }
  }
  return problems;
}

async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await api<T>(base, path);
  if (res.status !== 200) {
    throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Waits until the hub lists every worker in `names` as connected; fails fast if one exits. */
async function waitForWorkers(
  base: string,
  names: readonly string[],
  processes: readonly ProcessHandle[],
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gone = processes.find((p) => p.exited);
    if (gone) {
      const tail = gone.lines.slice(-10).map((l) => JSON.stringify(l)).join("\n");
      throw new Error(`Worker "${gone.name}" exited before connecting. Last lines:\n${tail}`);
    }
    const { workers } = await getJson<{ workers: Array<{ name: string; state: string }> }>(
      base,
      "/api/workers",
    );
    const connected = new Set(workers.filter((w) => w.state === "connected").map((w) => w.name));
    const missing = names.filter((n) => !connected.has(n));
    if (missing.length === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(`Workers ${missing.join(", ")} did not connect within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The processes the demo starts, stopped by their handles: workers first (so
 * they hand leases back to a live hub), then the hub. A process still being
 * spawned when `stop()` is called is waited for (3 s at most) and
 * stopped too, so Ctrl-C during start-up leaves nothing behind.
 */
class Fleet {
  #hub: ProcessHandle | undefined;
  readonly #workers: ProcessHandle[] = [];
  readonly #starting = new Set<Promise<unknown>>();
  #stopping: Promise<void> | undefined;

  /** The workers started so far. */
  get workers(): readonly ProcessHandle[] {
    return this.#workers;
  }

  /** The hub, once it listens. */
  get hub(): ProcessHandle | undefined {
    return this.#hub;
  }

  /** Records the process `spawning` resolves with as the hub or as a worker. */
  track<T extends ProcessHandle>(role: "hub" | "worker", spawning: Promise<T>): Promise<T> {
    const tracked = spawning.then((handle) => {
      if (role === "hub") this.#hub = handle;
      else this.#workers.push(handle);
      // Started after stop() began: stop it as well.
      if (this.#stopping) void handle.stop(5_000);
      return handle;
    });
    const settled = tracked.then(() => {}, () => {});
    this.#starting.add(settled);
    void settled.then(() => this.#starting.delete(settled));
    return tracked;
  }

  /** Stops every process (once; later calls get the same promise). */
  stop(): Promise<void> {
    return this.#stopping ??= (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(this.#starting),
        new Promise((resolve) => timer = setTimeout(resolve, 3_000)),
      ]);
      clearTimeout(timer);
      await Promise.allSettled(this.#workers.map((w) => w.stop(5_000)));
      await this.#hub?.stop(5_000).catch(() => {});
    })();
  }
}

/** Runs the demo in `dir`; resolves with the exit code. */
async function runDemo(runDate: string, dir: string, fleet: Fleet): Promise<number> {
  const started = Date.now();
  const dataDir = `${dir}/data`;
  console.error(`Starting a hub and three workers (${REGIONS.join(", ")})…`);
  // The hub logs at info because spawnHub learns its URL from "hub listening";
  // its lines are kept in memory, not printed.
  const hub = await fleet.track(
    "hub",
    spawnHub({ dbUrl: `file:${dir}/hub.db`, port: 0, logLevel: "info" }),
  );
  const names = REGIONS.map((region) => `worker-${region}`);
  const spawned = await Promise.allSettled(
    REGIONS.map((region, i) =>
      fleet.track(
        "worker",
        spawnWorker({
          hubUrl: hub.url,
          entry: "scripts/demo_worker.ts",
          name: names[i],
          labels: `region=${region}`,
          dataDir,
          stateDir: `${dir}/state/${names[i]}`,
          slots: 2,
          logLevel: "warn",
          // At warn a worker does not log its welcome: the hub's worker list is asked instead.
          waitConnected: false,
          env: { DROVER_WORKER_GRACE_MS: "2000" },
        }),
      )
    ),
  );
  const failed = spawned.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  await waitForWorkers(hub.url, names, fleet.workers);

  console.error(`Submitting RegionalReport(runDate=${runDate})…`);
  const submitted = await api<{ runId: string; taskId: string }>(hub.url, "/api/runs", {
    body: { family: "RegionalReport", params: { runDate } },
  });
  if (submitted.status !== 201) {
    throw new Error(
      `Submitting RegionalReport answered ${submitted.status}: ${JSON.stringify(submitted.body)}`,
    );
  }
  const { runId } = submitted.body;
  const run = await waitForRun(hub.url, runId, RUN_TIMEOUT_MS, 50);

  const { tasks: listed } = await getJson<{ tasks: Array<{ id: string }> }>(
    hub.url,
    `/api/tasks?run=${encodeURIComponent(runId)}`,
  );
  const tasks = await Promise.all(
    listed.map((t) => getJson<TaskView>(hub.url, `/api/tasks/${encodeURIComponent(t.id)}`)),
  );
  // Extracts first, in region order, then the report.
  const order = (t: TaskView) =>
    t.family === "ExtractRegion" ? REGIONS.indexOf(t.params.region as never) : REGIONS.length;
  tasks.sort((a, b) => order(a) - order(b) || a.id.localeCompare(b.id));

  console.log(
    `\nRun ${runId} is ${run.state}: ${tasks.length} tasks in ${
      ((Date.now() - started) / 1000).toFixed(1)
    } s\n`,
  );
  console.log(formatTable(tasks.map(toRow)));
  console.log("");
  const problems = placementProblems(tasks, dataDir);
  if (run.state !== "done") problems.unshift(`run ${runId} is ${run.state}, not done`);
  if (problems.length > 0) {
    console.log("placement: FAILED");
    for (const p of problems) console.log(`  - ${p}`);
    return 1;
  }
  console.log("placement: every pinned task ran where it was pinned");
  return 0;
}

if (import.meta.main) {
  const runDate = Deno.args[0] ?? new Date().toISOString().slice(0, 10);
  const dir = await Deno.makeTempDir({ prefix: "drover-demo-" });
  const fleet = new Fleet();
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    cleaning ??= (async () => {
      await fleet.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    })();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    console.error("\nInterrupted: stopping the hub and workers…");
    void cleanup().then(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);

  let code = 1;
  try {
    code = await runDemo(runDate, dir, fleet);
  } catch (error) {
    // After Ctrl-C, what the stopped processes made fail is not news.
    if (!interrupted) {
      console.error(`demo failed: ${(error as Error).message}`);
      const tail = (fleet.hub?.lines ?? []).filter((l) =>
        l.level === "warn" || l.level === "error"
      );
      for (const l of tail.slice(-10)) console.error(`  [hub] ${JSON.stringify(l)}`);
    }
  }
  await cleanup();
  Deno.exit(interrupted ? 130 : code);
}
