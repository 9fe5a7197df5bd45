/** Every attempt of a task: where it ran, when, how it ended, and its error. */
import type { FC } from "hono/jsx";
import type { TaskDetail } from "../../../shared/api_schemas.ts";
import { duration } from "../format.ts";
import { Time } from "../components.tsx";
import { TaskError } from "../task_error.tsx";

/** The attempts table; says so when there are none yet. */
export const TaskAttempts: FC<{ task: TaskDetail; now: number }> = ({ task, now }) => (
  <section class="panel">
    <h2>Attempts ({task.attempts.length})</h2>
    {task.attempts.length === 0
      ? <p class="muted">Not attempted yet.</p>
      : (
        <table class="grid attempts">
          <thead>
            <tr>
              <th>#</th>
              <th>Worker</th>
              <th>Region</th>
              <th>Started</th>
              <th>Ended</th>
              <th class="num">Took</th>
              <th>Outcome</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {task.attempts.map((a) => (
              <tr key={a.epoch}>
                <td class="num">
                  {a.attempt}
                  <div class="muted small">{a.kind}, epoch {a.epoch}</div>
                </td>
                <td>
                  {a.workerName ?? <span class="mono small">{a.workerId}</span>}
                </td>
                <td>{a.region ?? <span class="muted">—</span>}</td>
                <td>
                  <Time at={a.startedAt} now={now} />
                </td>
                <td>
                  <Time at={a.endedAt} now={now} />
                </td>
                <td class="num">
                  {a.endedAt === null ? <span class="muted">running</span> : (
                    duration(a.endedAt - a.startedAt)
                  )}
                </td>
                <td>
                  {a.outcome
                    ? <span class={`badge outcome-${outcomeClass(a.outcome)}`}>{a.outcome}</span>
                    : <span class="muted">—</span>}
                </td>
                <td class="wrap">
                  {a.error ? <TaskError error={a.error} /> : <span class="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
  </section>
);

function outcomeClass(outcome: string): string {
  if (outcome === "done" || outcome === "completed" || outcome === "parked") return "ok";
  if (/fail|error|timeout|lost|expired/.test(outcome)) return "failed";
  return "denied";
}
