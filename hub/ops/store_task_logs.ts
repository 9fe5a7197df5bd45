/**
 * Stores a batch of task log lines a worker shipped for one attempt. Lines
 * are accepted only for an attempt the sending worker holds or held (a
 * worker cannot write into another's task), whatever became of its lease:
 * an attempt that lost its lease still printed what it printed. Each
 * attempt may store up to a cap of bytes; what comes past it is counted in
 * one marker line instead.
 */
import { sql } from "drizzle-orm";
import type { TaskLogLine } from "../../shared/protocol.ts";
import { taskLogLineBytes } from "../../shared/task_log_bytes.ts";
import type { Tx } from "../db/client.ts";
import { chunks } from "../db/chunks.ts";

/** A marker's message: lines the worker dropped (its buffer was full, or its own cap). */
export const WORKER_DROPPED = "dropped by the worker";

/** A marker's message: lines past the hub's cap for the attempt. */
export function capDropped(maxBytes: number): string {
  return `dropped by the hub (the attempt is over its limit of ${maxBytes} bytes)`;
}

/** One `task.log` frame, from the worker that sent it. */
export interface TaskLogBatch {
  taskId: string;
  epoch: number;
  workerId: string;
  lines: readonly TaskLogLine[];
  /** Lines the worker dropped just before these. */
  dropped: number;
  /** Most bytes of lines stored per attempt. */
  maxBytes: number;
  now: number;
}

/** What became of a batch; `refused` when the worker holds no such attempt. */
export type StoredTaskLogs =
  | { outcome: "refused" }
  | {
    outcome: "stored";
    attempt: number;
    /** Lines stored (markers aside). */
    stored: number;
    /** This batch reached the cap: the attempt's later lines are only counted. */
    capReached: boolean;
  };

/** Rows per INSERT: 9 parameters a row, under SQLite's 999 bound parameters. */
const ROWS_PER_INSERT = 100;

interface Row {
  at: number;
  level: string;
  message: string;
  fields: string | null;
  dropped: number;
}

/** Stores `b`'s lines (after its drop marker) in order, within the attempt's cap. */
export async function storeTaskLogs(tx: Tx, b: TaskLogBatch): Promise<StoredTaskLogs> {
  // Read, then write, in one write transaction: the attempt's byte count
  // cannot change in between, so the cap holds across concurrent batches.
  const [attempt] = await tx.all<{ id: number; attempt: number; log_bytes: number }>(sql`
    SELECT id, attempt, log_bytes FROM attempts
    WHERE task_id = ${b.taskId} AND epoch = ${b.epoch} AND worker_id = ${b.workerId}`);
  if (!attempt) return { outcome: "refused" };
  // Nothing is stored after the cap's marker: what comes is counted in it.
  const capMarker = await lastCapMarker(tx, b, attempt.attempt);
  if (capMarker !== null) {
    const lost = b.lines.length + b.dropped;
    if (lost > 0) {
      await tx.run(sql`UPDATE task_logs SET dropped = dropped + ${lost} WHERE id = ${capMarker}`);
    }
    return { outcome: "stored", attempt: attempt.attempt, stored: 0, capReached: false };
  }

  const lines: Row[] = [];
  let bytes = attempt.log_bytes;
  let overCap = 0;
  for (const line of b.lines) {
    const fields = line.fields === undefined ? null : JSON.stringify(line.fields);
    const size = taskLogLineBytes(line.msg, fields);
    // Once a line does not fit, none after it is stored: the marker ends the attempt's log.
    if (overCap > 0 || bytes + size > b.maxBytes) {
      overCap++;
      continue;
    }
    bytes += size;
    lines.push({ at: line.at, level: line.level, message: line.msg, fields, dropped: 0 });
  }
  const result: StoredTaskLogs = {
    outcome: "stored",
    attempt: attempt.attempt,
    stored: lines.length,
    capReached: overCap > 0,
  };
  const lastAt = b.lines.at(-1)?.at ?? b.now;
  const marker = (message: string, dropped: number, at: number): Row => ({
    at,
    level: "warn",
    message,
    fields: null,
    dropped,
  });
  const rows = [
    ...(b.dropped > 0 ? [marker(WORKER_DROPPED, b.dropped, b.lines[0]?.at ?? b.now)] : []),
    ...lines,
    ...(overCap > 0 ? [marker(capDropped(b.maxBytes), overCap, lastAt)] : []),
  ];
  for (const part of chunks(rows, ROWS_PER_INSERT)) {
    const values = part.map((r) =>
      sql`(${b.taskId}, ${attempt.attempt}, ${b.epoch}, ${b.workerId}, ${r.at}, ${r.level},
        ${r.message}, ${r.fields}, ${r.dropped})`
    );
    await tx.run(sql`INSERT INTO task_logs
      (task_id, attempt, epoch, worker_id, at, level, message, fields, dropped)
      VALUES ${sql.join(values, sql`, `)}`);
  }
  await tx.run(sql`UPDATE attempts SET log_lines = log_lines + ${lines.length},
    log_bytes = ${bytes} WHERE id = ${attempt.id}`);
  return result;
}

/** The id of the attempt's last line when it is the marker of its cap, else null. */
async function lastCapMarker(tx: Tx, b: TaskLogBatch, attempt: number): Promise<number | null> {
  const [row] = await tx.all<{ id: number }>(sql`
    SELECT id FROM task_logs
    WHERE id = (SELECT max(id) FROM task_logs WHERE task_id = ${b.taskId} AND attempt = ${attempt})
      AND epoch = ${b.epoch} AND dropped > 0 AND message = ${capDropped(b.maxBytes)}`);
  return row?.id ?? null;
}
