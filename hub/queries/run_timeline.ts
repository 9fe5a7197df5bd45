/** The latest attempts of a run's tasks, with their workers' names and regions. */
import { sql } from "drizzle-orm";
import type { RunTimeline, TimelineAttempt } from "../../shared/api_schemas_graph.ts";
import type { RunState } from "../../shared/states.ts";
import type { Reader } from "../db/client.ts";

interface Row {
  taskId: string;
  family: string;
  kind: "expand" | "run";
  attempt: number;
  workerId: string;
  workerName: string | null;
  labels: string | null;
  startedAt: number;
  endedAt: number | null;
  outcome: string | null;
}

/**
 * Run `runId`'s latest `limit` attempts, oldest first (`truncated` when
 * there were more), or undefined when there is no such run.
 */
export async function runTimeline(
  db: Reader,
  runId: string,
  limit: number,
  now: number,
): Promise<RunTimeline | undefined> {
  const [run] = await db.all<{ state: RunState }>(
    sql`SELECT state FROM runs WHERE id = ${runId}`,
  );
  if (!run) return undefined;
  const rows = await db.all<Row>(sql`WITH RECURSIVE sub(id) AS (
      SELECT root_task_id FROM runs WHERE id = ${runId}
      UNION SELECT e.dep_id FROM edges e JOIN sub ON e.task_id = sub.id)
    SELECT a.task_id AS taskId, t.family, a.kind, a.attempt, a.worker_id AS workerId,
      w.name AS workerName, w.labels, a.started_at AS startedAt, a.ended_at AS endedAt, a.outcome
    FROM attempts a JOIN sub ON a.task_id = sub.id JOIN tasks t ON t.id = a.task_id
    LEFT JOIN workers w ON w.id = a.worker_id
    ORDER BY a.started_at DESC, a.id DESC LIMIT ${limit + 1}`);
  const truncated = rows.length > limit;
  const attempts = rows.slice(0, limit).reverse().map(({ labels, ...a }): TimelineAttempt => {
    const parsed = labels ? JSON.parse(labels) as Record<string, unknown> : {};
    return { ...a, region: typeof parsed.region === "string" ? parsed.region : null };
  });
  return { runId, runState: run.state, attempts, truncated, now };
}
