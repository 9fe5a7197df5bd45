/** The task page's facts: what the task is and where it stands; its requirements and dependents. */
import type { Child, FC } from "hono/jsx";
import type { TaskDetail } from "../../../shared/api_schemas.ts";
import type { TaskState } from "../../../shared/states.ts";
import { absoluteTime } from "../format.ts";
import { JsonBlock, Labels, StateBadge, Time } from "../components.tsx";
import { TaskError } from "../task_error.tsx";

const taskHref = (id: string) => `/ui/tasks/${encodeURIComponent(id)}`;

/** State, status, progress, params, placement, publication. */
export const TaskFactsPanel: FC<{ task: TaskDetail; now: number; actions?: Child }> = (
  { task: t, now, actions },
) => (
  <section class="panel task-facts">
    <div class="run-head-main">
      <StateBadge state={t.state} />
      {t.progress !== null ? <Progress value={t.progress} /> : null}
      {actions}
    </div>
    {t.status ? <p class="status-message">{t.status}</p> : null}
    {t.unschedulable ? <p class="callout warn">Cannot be scheduled: {t.unschedulable}</p> : null}
    {t.disabledUntil
      ? (
        <p class="callout warn">
          Its family is disabled after repeated failures until {absoluteTime(t.disabledUntil)}.
        </p>
      )
      : null}
    {t.codeConflict ? <p class="callout warn">{t.codeConflict}</p> : null}
    <dl class="facts">
      <dt>Params</dt>
      <dd>
        <JsonBlock value={t.params} />
      </dd>
      <dt>Family</dt>
      <dd>
        <a href={`/ui/families/${encodeURIComponent(t.family)}`}>{t.family}</a>{" "}
        <span class="muted">v{t.version}</span>
        {t.wrapper ? <span class="muted small">wrapper (no run)</span> : null}
      </dd>
      <dt>Attempt</dt>
      <dd>
        {t.attempt} of {t.maxAttempts}
        {t.nextAttemptAt && t.state === "ready"
          ? (
            <span class="muted small">
              , next not before <Time at={t.nextAttemptAt} now={now} />
            </span>
          )
          : null}
      </dd>
      <dt>Pin</dt>
      <dd>
        <Labels labels={strings(t.pin)} />
      </dd>
      <dt>Priority</dt>
      <dd>{t.priority}</dd>
      <dt>Resources</dt>
      <dd>
        <Labels labels={strings(t.resources)} />
      </dd>
      {t.lease
        ? (
          <>
            <dt>Lease</dt>
            <dd class="small">
              <span class="mono">{t.lease.workerId ?? "—"}</span>, epoch {t.lease.epoch}
              {t.lease.expiresAt
                ? (
                  <>
                    , expires <Time at={t.lease.expiresAt} now={now} />
                  </>
                )
                : null}
            </dd>
          </>
        )
        : null}
      {t.blockedBy
        ? (
          <>
            <dt>Blocked by</dt>
            <dd>
              <a class="mono culprit" href={taskHref(t.blockedBy)}>{t.blockedBy}</a>
            </dd>
          </>
        )
        : null}
      {t.lastError
        ? (
          <>
            <dt>Last error</dt>
            <dd>
              <TaskError error={t.lastError} />
            </dd>
          </>
        )
        : null}
      <dt>Created</dt>
      <dd>
        <Time at={t.createdAt} now={now} />
      </dd>
      <dt>Started</dt>
      <dd>
        <Time at={t.startedAt} now={now} />
      </dd>
      <dt>Finished</dt>
      <dd>
        <Time at={t.finishedAt} now={now} />
      </dd>
      <dt>Publication</dt>
      <dd>
        {t.publication
          ? (
            <span class="small">
              key <span class="mono">{t.publication.key}</span>, epoch {t.publication.epoch},{" "}
              {t.publication.kind} <Time at={t.publication.createdAt} now={now} />
            </span>
          )
          : <span class="muted">not published</span>}
      </dd>
    </dl>
  </section>
);

/** Requirements and dependents, each a link with its state. */
export const TaskLinks: FC<{
  task: TaskDetail;
  dependents: Array<{ id: string; state: TaskState }>;
}> = ({ task, dependents }) => (
  <div class="task-grid">
    <section class="panel">
      <h2>Requires ({task.dependencies.length})</h2>
      <TaskList tasks={task.dependencies} empty="Nothing: it can start on its own." />
    </section>
    <section class="panel">
      <h2>Required by ({task.dependents})</h2>
      <TaskList tasks={dependents} empty="Nothing waits on it." />
      {task.dependents > dependents.length
        ? <p class="muted small">…and {task.dependents - dependents.length} more.</p>
        : null}
    </section>
  </div>
);

const TaskList: FC<{ tasks: Array<{ id: string; state: TaskState }>; empty: string }> = (
  { tasks, empty },
) =>
  tasks.length === 0 ? <p class="muted">{empty}</p> : (
    <ul class="task-list">
      {tasks.map((d) => (
        <li key={d.id}>
          <StateBadge state={d.state} /> <a class="mono small" href={taskHref(d.id)}>{d.id}</a>
        </li>
      ))}
    </ul>
  );

const Progress: FC<{ value: number }> = ({ value }) => {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <span class="progress" title={`${pct}%`}>
      <span class={`bar`}>
        <span class={`w${Math.round(pct / 10)}`}></span>
      </span>
      <span class="small num">{pct}%</span>
    </span>
  );
};

function strings(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}
