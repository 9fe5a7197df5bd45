/** One task with its dependencies, attempts, publication and why it cannot be scheduled. */
import { sql } from "drizzle-orm";
import type { TaskDetail } from "../../shared/api_schemas.ts";
import type { TaskState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";
import { codeConflicts, describeConflict } from "./code_conflicts.ts";
import { connectedWorkers } from "./connected_workers.ts";
import { schedulingHolds } from "./holds.ts";
import { TASK_COLUMNS, type TaskRow, toTask, tryJson } from "./task_view.ts";
import { unschedulableReason } from "./unschedulable.ts";

interface AttemptRow {
  kind: "expand" | "run";
  epoch: number;
  attempt: number;
  workerId: string;
  workerName: string | null;
  workerLabels: string | null;
  startedAt: number;
  endedAt: number | null;
  outcome: string | null;
  error: string | null;
}

type PublicationRow = NonNullable<TaskDetail["publication"]>;

/** Task `id` in detail, or undefined when it does not exist. */
export async function taskDetail(
  db: Reader,
  id: string,
  now: number,
): Promise<TaskDetail | undefined> {
  const [row] = await db.all<TaskRow>(sql`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ${id}`);
  if (!row) return undefined;
  const dependencies = await db.all<{ id: string; state: TaskState }>(sql`
    SELECT t.id, t.state FROM edges e JOIN tasks t ON t.id = e.dep_id
    WHERE e.task_id = ${id} ORDER BY t.id LIMIT 1000`);
  const [dependents] = await db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM edges WHERE dep_id = ${id}`,
  );
  const attempts = await db.all<AttemptRow>(sql`
    SELECT a.kind, a.epoch, a.attempt, a.worker_id AS workerId, w.name AS workerName,
      w.labels AS workerLabels, a.started_at AS startedAt, a.ended_at AS endedAt,
      a.outcome, a.error
    FROM attempts a LEFT JOIN workers w ON w.id = a.worker_id
    WHERE a.task_id = ${id} ORDER BY a.epoch`);
  const [publication] = await db.all<PublicationRow>(sql`
    SELECT key, epoch, worker_id AS workerId, kind, created_at AS createdAt
    FROM publications WHERE task_id = ${id}`);
  const unschedulable = row.state === "ready"
    ? unschedulableReason(
      { ...row, resources: row.kind === "run" ? row.resources : "{}" },
      await connectedWorkers(db),
      await schedulingHolds(db, now),
    )
    : null;
  const conflict = (await codeConflicts(db)).get(`${row.family}@${row.version}`);
  const ranOn = conflict?.workers.find((w) => w.workerId === attempts.at(-1)?.workerId);
  return {
    ...toTask(row, now),
    dependencies,
    dependents: dependents?.n ?? 0,
    attempts: attempts.map((a) => {
      const labels = a.workerLabels ? JSON.parse(a.workerLabels) as Record<string, string> : null;
      return {
        ...a,
        workerLabels: labels,
        region: typeof labels?.region === "string" ? labels.region : null,
        error: a.error ? tryJson(a.error) : null,
      };
    }),
    publication: publication ?? null,
    unschedulable,
    codeConflict: conflict
      ? describeConflict(conflict) +
        (ranOn ? ` Its last attempt ran on "${ranOn.name}" (${ranOn.fingerprint}).` : "")
      : null,
  };
}
