/**
 * `deno task demo`: the edge fleet in one command. Starts a hub on a
 * temporary database and three workers labelled `region=eu-west`,
 * `region=us-east` and `region=on-prem` (`scripts/demo_worker.ts`), runs
 * `RegionalReport` (`examples/regional.ts`: one extract pinned to each
 * region, a report that may run anywhere), then prints where each task ran
 * and checks that every pinned task ran where it was pinned. Then, against
 * an S3-protocol server and a warehouse database it starts (s3rver on
 * loopback, a libSQL file), `LoadToWarehouse` (`examples/warehouse.ts`): a
 * raw extract written to `s3://raw-data/…`, loaded into `event_counts`.
 *
 *     deno task demo [runDate]     # runDate defaults to today (UTC)
 *
 * Exits 0 when the run is done and every placement holds, 1 otherwise, 2 for
 * a bad command line. Every process is stopped by its own handle and the
 * temporary directory is removed, also on Ctrl-C and on errors.
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
import { formatTable } from "../shared/text_table.ts";
import { parseFlags, throwIfProblems } from "../testing/parse_flags.ts";
import type { ProcessHandle } from "../testing/process_handle.ts";
import { type Cluster, startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { readDatabase } from "../testing/read_database.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { type S3Server, startS3 } from "../testing/s3.ts";
import { EVENT_COUNTS_DDL } from "../examples/warehouse.ts";

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

const HEADER = ["TASK", "FAMILY", "PINNED TO", "RAN ON", "WORKER REGION", "ATTEMPTS", "STATE"];
const RUN_TIMEOUT_MS = 20_000;
const USAGE = "Usage: deno task demo [runDate]     # runDate defaults to today (UTC)";

/** The run date of the command line, or a TypeError naming every problem. */
function parseDemoArgs(args: readonly string[]): string {
  const { positionals, rest, problems } = parseFlags(args, {});
  const given = [...positionals, ...rest];
  for (const extra of given.slice(1)) problems.push(`Only one runDate, not "${extra}" as well`);
  throwIfProblems(problems, USAGE);
  return given[0] ?? new Date().toISOString().slice(0, 10);
}

/** The run attempt that published the task, else its last run attempt. */
function placedAttempt(task: TaskView): AttemptView | undefined {
  const runs = task.attempts.filter((a) => a.kind === "run");
  return runs.find((a) => a.outcome === "done") ?? runs.at(-1);
}

/** One line of the placement table. */
function toRow(task: TaskView): string[] {
  const placed = placedAttempt(task);
  return [
    task.id,
    task.family,
    describeSelector(task.pin),
    placed?.workerName ?? "-",
    placed?.workerLabels?.region ?? "-",
    String(task.attempts.filter((a) => a.kind === "run").length),
    task.state,
  ];
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

/** Starts the hub and the three regional workers; `signal` aborts the start-up. */
function startFleet(signal: AbortSignal, env: Record<string, string>): Promise<Cluster> {
  return startCluster({
    name: "demo",
    // The hub logs at info (its lines are kept in memory, not printed); the
    // workers at warn, so they are waited for through the hub's worker list.
    workerEntry: "scripts/demo_worker.ts",
    workers: REGIONS.map((region) => ({ name: `worker-${region}`, labels: `region=${region}` })),
    worker: { slots: 2, logLevel: "warn", env: { ...env, DROVER_WORKER_GRACE_MS: "2000" } },
    signal,
  });
}

/** Runs the demo on a started cluster; resolves with the exit code. */
async function runDemo(runDate: string, cluster: Cluster, started: number): Promise<number> {
  console.error(`Submitting RegionalReport(runDate=${runDate})…`);
  const { runId } = await cluster.api.submit("RegionalReport", { runDate });
  const run = await waitForRun(cluster.api, runId, { timeoutMs: RUN_TIMEOUT_MS, everyMs: 50 });
  const { tasks: listed } = await cluster.api.get<{ tasks: Array<{ id: string }> }>(
    `/api/tasks?run=${encodeURIComponent(runId)}`,
  );
  const tasks = await Promise.all(
    listed.map((t) => cluster.api.get<TaskView>(`/api/tasks/${encodeURIComponent(t.id)}`)),
  );
  // Extracts first, in region order, then the report.
  const order = (t: TaskView) =>
    t.family === "ExtractRegion" ? REGIONS.indexOf(t.params.region as never) : REGIONS.length;
  tasks.sort((a, b) => order(a) - order(b) || a.id.localeCompare(b.id));

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nRun ${runId} is ${run.state}: ${tasks.length} tasks in ${seconds} s\n`);
  console.log(formatTable(HEADER, tasks.map(toRow)));
  console.log("");
  const problems = placementProblems(tasks, cluster.dataDir);
  if (run.state !== "done") problems.unshift(`run ${runId} is ${run.state}, not done`);
  if (problems.length > 0) {
    console.log("placement: FAILED");
    for (const p of problems) console.log(`  - ${p}`);
    return 1;
  }
  console.log("placement: every pinned task ran where it was pinned");
  return 0;
}

/** The object store and the warehouse of the demo, and how workers reach them. */
interface Stores {
  s3: S3Server;
  warehouseUrl: string;
  env: Record<string, string>;
}

/** Starts s3rver (bucket `raw-data`) and makes the warehouse file with `event_counts`. */
async function startStores(dir: string): Promise<Stores> {
  const s3 = await startS3({ dir: `${dir}/s3`, buckets: ["raw-data"] });
  const warehouseUrl = `file:${dir}/warehouse.db`;
  await readDatabase(warehouseUrl, (query) => query(EVENT_COUNTS_DDL));
  return { s3, warehouseUrl, env: { ...s3.env, DROVER_WAREHOUSE_URL: warehouseUrl } };
}

/** Runs `LoadToWarehouse`, prints the object and the rows; resolves with the exit code. */
async function runWarehouse(runDate: string, cluster: Cluster, stores: Stores): Promise<number> {
  console.error(`Submitting LoadToWarehouse(runDate=${runDate})…`);
  const { runId } = await cluster.api.submit("LoadToWarehouse", { runDate });
  const run = await waitForRun(cluster.api, runId, { timeoutMs: RUN_TIMEOUT_MS, everyMs: 50 });
  const read = () =>
    readDatabase(
      stores.warehouseUrl,
      (query) =>
        query<{ table_name: string; records: number; amount: number }>(
          "SELECT table_name, records, amount FROM event_counts WHERE run_date = ? " +
            "ORDER BY table_name",
          [runDate],
        ),
    );
  // The run is done once the hub accepted the publication; the worker commits the
  // rows just after (its acknowledgement comes first), so they may take a moment.
  const rows = await pollUntil("the loaded rows", async () => {
    const found = await read();
    return found.length > 0 ? found : undefined;
  }, { timeoutMs: 10_000 }).catch(() => []);
  const key = `events/v1/${runDate}.jsonl`;
  const head = await fetch(`${stores.s3.endpoint}/raw-data/${key}`, { method: "HEAD" });
  console.log(`\nRun ${runId} (LoadToWarehouse) is ${run.state}`);
  console.log(
    `s3://raw-data/${key}: ${head.ok ? `${head.headers.get("content-length")} bytes` : "missing"}`,
  );
  console.log(`event_counts for ${runDate}:\n`);
  console.log(formatTable(
    ["TABLE", "RECORDS", "AMOUNT"],
    rows.map((r) => [r.table_name, String(r.records), String(r.amount)]),
  ));
  console.log("");
  if (run.state !== "done" || !head.ok || rows.length !== 3) {
    console.log("warehouse: FAILED");
    return 1;
  }
  console.log("warehouse: the extract is in the object store, its counts loaded once");
  return 0;
}

/** The hub's last warn and error lines, for a failure message. */
function hubTail(hub: ProcessHandle | undefined): string[] {
  const lines = (hub?.lines ?? []).filter((l) => l.level === "warn" || l.level === "error");
  return lines.slice(-10).map((l) => `  [hub] ${JSON.stringify(l)}`);
}

if (import.meta.main) {
  let runDate: string;
  try {
    runDate = parseDemoArgs(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const started = Date.now();
  const interrupt = new AbortController();
  let cluster: Cluster | undefined;
  let stores: Stores | undefined;
  let storeDir: string | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    cleaning ??= (async () => {
      await cluster?.[Symbol.asyncDispose]();
      await stores?.s3.close();
      if (storeDir) await Deno.remove(storeDir, { recursive: true }).catch(() => {});
    })();
  const onSignal = () => {
    if (interrupt.signal.aborted) return;
    interrupt.abort(new Error("interrupted"));
    console.error("\nInterrupted: stopping the hub and workers…");
    // Before the cluster is up, its start-up stops what it started.
    if (cluster) void cleanup().then(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);

  let code = 1;
  try {
    console.error(`Starting a hub and three workers (${REGIONS.join(", ")})…`);
    storeDir = await Deno.makeTempDir({ prefix: "drover-demo-stores-" });
    stores = await startStores(storeDir);
    cluster = await startFleet(interrupt.signal, stores.env);
    code = await runDemo(runDate, cluster, started);
    if (code === 0) code = await runWarehouse(runDate, cluster, stores);
  } catch (error) {
    // After Ctrl-C, what the stopped processes made fail is not news.
    if (!interrupt.signal.aborted) {
      console.error(`demo failed: ${(error as Error).message}`);
      for (const line of hubTail(cluster?.hub)) console.error(line);
    }
  }
  await cleanup().catch(() => {});
  Deno.exit(interrupt.signal.aborted ? 130 : code);
}
