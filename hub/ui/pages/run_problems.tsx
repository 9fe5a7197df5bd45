/** A run's failed tasks with their errors, and its blocked tasks with what they wait on. */
import type { FC } from "hono/jsx";
import type { RunStatus } from "../../../shared/api_schemas.ts";
import { TaskError } from "../task_error.tsx";

const taskHref = (id: string) => `/ui/tasks/${encodeURIComponent(id)}`;

/** Failed, then blocked; says so when there are none. */
export const RunProblems: FC<{ run: RunStatus }> = ({ run }) => {
  const failed = run.counts.failed ?? 0;
  const blocked = run.counts.blocked ?? 0;
  return (
    <section class="panel run-problems">
      <h2>Failed tasks {failed > 0 ? <span class="badge state-failed">{failed}</span> : null}</h2>
      {run.failed.length === 0 ? <p class="muted">None.</p> : (
        <table class="grid failed-tasks">
          <tbody>
            {run.failed.map((f) => (
              <tr key={f.taskId}>
                <td class="c-task">
                  <a class="mono small" href={taskHref(f.taskId)}>{f.taskId}</a>
                </td>
                <td>
                  <TaskError error={f.error} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {failed > run.failed.length
        ? <p class="muted small">…and {failed - run.failed.length} more.</p>
        : null}
      <h2>
        Blocked tasks {blocked > 0 ? <span class="badge state-blocked">{blocked}</span> : null}
      </h2>
      {run.blocked.length === 0 ? <p class="muted">None.</p> : (
        <table class="grid blocked-tasks">
          <thead>
            <tr>
              <th>Task</th>
              <th>Waits on</th>
            </tr>
          </thead>
          <tbody>
            {run.blocked.map((b) => (
              <tr key={b.taskId}>
                <td>
                  <a class="mono small" href={taskHref(b.taskId)}>{b.taskId}</a>
                </td>
                <td>
                  <a class="mono small culprit" href={taskHref(b.blockedBy)}>{b.blockedBy}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {blocked > run.blocked.length
        ? <p class="muted small">…and {blocked - run.blocked.length} more.</p>
        : null}
    </section>
  );
};
