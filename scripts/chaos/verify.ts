/**
 * The end checks of a chaos run, on the database and the data directory,
 * after every process stopped: the run is done, every task is published
 * exactly once and at its last epoch, no attempt is left open, the invariant
 * checker is clean, and every node's visible output is the published
 * attempt's. The database is read with plain SQL, from outside the hub.
 */
import { checkInvariantsAt } from "../../hub/db/check_invariants.ts";
import type { LocalTarget } from "../../shared/mod.ts";
import { type Query, readDatabase } from "../../testing/read_database.ts";
import { createChaosTasks } from "./chaos_tasks.ts";
import type { CutReport, VerifyFindings, ZombieReport } from "./chaos_summary.ts";
import { readLines } from "./read_lines.ts";
import type { ChaosStores } from "./chaos_targets.ts";

/** What {@link verify} checks against. */
export interface VerifyInput {
  dbUrl: string;
  dataDir: string;
  tasks: number;
  /** Their `leasesExpired` are counted here. */
  zombies: ZombieReport[];
  /** Their `leasesExpired` are counted here. */
  cuts: CutReport[];
  ttlMs: number;
  /** Every failed check is added here, in words. */
  failures: string[];
  /** The stores nodes also wrote to (`--targets`), checked against the published attempts. */
  stores?: ChaosStores;
}

/** Runs the end checks; fills in the reports' expired leases and adds failures. */
export async function verify(input: VerifyInput): Promise<VerifyFindings> {
  const found = await readDatabase(input.dbUrl, (query) => checkDatabase(query, input));
  const onDisk = await checkDataDir(input);
  const targets = await input.stores?.verify({
    published: found.published,
    tasks: input.tasks,
    dataDir: input.dataDir,
    failures: input.failures,
  });
  return {
    ...(targets ? { targets } : {}),
    executions: onDisk.executions,
    tasksRunMoreThanOnce: onDisk.tasksRunMoreThanOnce,
    publications: found.publications,
    attemptsByOutcome: found.attemptsByOutcome,
    maxAttempt: found.maxAttempt,
    invariantViolations: found.invariantViolations,
    stagingLeftovers: onDisk.stagingLeftovers,
    failedAttempts: found.failedAttempts,
  };
}

async function checkDatabase(query: Query, input: VerifyInput) {
  const { failures, tasks } = input;
  const count = async (sql: string, args: (string | number)[] = []) =>
    Number((await query<{ n: number | null }>(sql, args))[0]?.n ?? 0);

  const [root] = await query<{ state: string }>(
    "SELECT state FROM tasks WHERE family = 'ChaosRoot'",
  );
  if (root?.state !== "done") failures.push(`ChaosRoot is ${root?.state ?? "missing"}, not done`);
  const states = await query<{ state: string; n: number }>(
    "SELECT state, count(*) AS n FROM tasks WHERE family = 'ChaosNode' GROUP BY state",
  );
  const done = states.find((s) => s.state === "done")?.n ?? 0;
  const all = states.reduce((sum, s) => sum + s.n, 0);
  if (done !== tasks || all !== tasks) {
    failures.push(`${done} of ${tasks} ChaosNodes are done: ${JSON.stringify(states)}`);
  }
  const notOnce = await count(`SELECT count(*) AS n FROM (SELECT t.id FROM tasks t
    LEFT JOIN publications p ON p.task_id = t.id GROUP BY t.id HAVING count(p.key) != 1) AS t`);
  if (notOnce > 0) failures.push(`${notOnce} tasks do not have exactly one publication`);
  // Fencing, beyond checkInvariants(): no grant follows a publication, so a task
  // is published at its last epoch; and a lease that ended left no attempt open.
  // (A completion accepted at a stale epoch breaks both.)
  const fenced = await count(`SELECT count(*) AS n FROM publications p
    JOIN tasks t ON t.id = p.task_id WHERE p.epoch != t.lease_epoch`);
  if (fenced > 0) failures.push(`${fenced} publications at an epoch older than their task's`);
  const dangling = await count(`SELECT count(*) AS n FROM attempts a
    JOIN tasks t ON t.id = a.task_id
    WHERE a.ended_at IS NULL AND (t.state != 'leased' OR a.epoch != t.lease_epoch)`);
  if (dangling > 0) failures.push(`${dangling} attempts still open after their lease ended`);
  const afterExpiry = await count(`SELECT count(*) AS n FROM publications p JOIN attempts a
    ON a.task_id = p.task_id AND a.epoch = p.epoch WHERE a.outcome = 'expired'`);
  if (afterExpiry > 0) failures.push(`${afterExpiry} publications at an expired lease's epoch`);
  const invariantViolations = await checkInvariantsAt(input.dbUrl);
  if (invariantViolations.length > 0) {
    failures.push(`invariant violations: ${JSON.stringify(invariantViolations)}`);
  }
  const publications = await count("SELECT count(*) AS n FROM publications WHERE kind = 'run'");
  const attemptsByOutcome: Record<string, number> = {};
  const outcomes = await query<{ outcome: string | null; n: number }>(
    "SELECT outcome, count(*) AS n FROM attempts GROUP BY outcome ORDER BY n DESC",
  );
  for (const r of outcomes) attemptsByOutcome[r.outcome ?? "open"] = r.n;
  const maxAttempt = await count("SELECT max(attempt) AS n FROM tasks");
  const failedAttempts = (await query<
    { task_id: string; worker_id: string | null; error: string | null }
  >(
    "SELECT task_id, worker_id, error FROM attempts WHERE outcome = 'failed' ORDER BY id LIMIT 5",
  )).map((r) => ({ taskId: r.task_id, workerId: r.worker_id, error: r.error ?? "(no error)" }));
  // Leases of that very process (a restarted worker keeps its id) that expired in a window.
  const expiredOf = (w: { workerId: string; since: number }, from: number, to: number) =>
    count(
      `SELECT count(*) AS n FROM attempts WHERE worker_id = ? AND started_at >= ?
        AND outcome = 'expired' AND ended_at BETWEEN ? AND ?`,
      [w.workerId, w.since, from, to],
    );
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
  const published = await query<{ params: string; attempt: number }>(`
    SELECT t.params, a.attempt FROM tasks t JOIN publications p ON p.task_id = t.id
    JOIN attempts a ON a.task_id = t.id AND a.epoch = p.epoch WHERE t.family = 'ChaosNode'`);
  let wrongOutputs = tasks - published.length;
  const publishedAttempts = new Map<number, { attempt: number; key: string }>();
  for (const row of published) {
    const params = JSON.parse(row.params);
    const outputs = ChaosNode.definition.output!(params);
    const target = outputs.file as LocalTarget;
    // Where its object is, when nodes write objects too (`nodes/<group>/<id>.json`).
    const key = `nodes/${target.path.split("/").slice(-2).join("/")}`;
    publishedAttempts.set(params.id, { attempt: Number(row.attempt), key });
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
  return {
    publications,
    attemptsByOutcome,
    maxAttempt,
    invariantViolations,
    failedAttempts,
    published: publishedAttempts,
  };
}

/** Executions from `starts.log`, and staging files left next to outputs. */
async function checkDataDir(input: VerifyInput) {
  const starts = await readLines(`${input.dataDir}/starts.log`);
  const runsPerTask = new Map<string, number>();
  for (const line of starts) {
    const id = line.split(" ")[0]!;
    runsPerTask.set(id, (runsPerTask.get(id) ?? 0) + 1);
  }
  if (runsPerTask.size !== input.tasks) {
    input.failures.push(`${runsPerTask.size} distinct tasks ran, expected ${input.tasks}`);
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
    stagingLeftovers,
  };
}

async function* readDirOrNothing(path: string): AsyncGenerator<Deno.DirEntry> {
  try {
    yield* Deno.readDir(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
