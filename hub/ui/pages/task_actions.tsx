/** Retry, Cancel and Mark done for a task, each offered only where it applies. */
import type { FC } from "hono/jsx";
import type { TaskDetail } from "../../../shared/api_schemas.ts";
import { ActionButton, apiPath } from "../action_button.tsx";
import { cancelTaskEffect, markDoneEffect, retryTaskEffect } from "../task_facts.ts";

/** The buttons (render only for operators and admins). */
export const TaskActions: FC<{ task: TaskDetail }> = ({ task }) => {
  const retry = retryTaskEffect(task);
  const cancel = cancelTaskEffect(task);
  const done = markDoneEffect(task);
  if (!retry && !cancel && !done) return null;
  return (
    <span class="task-actions">
      {retry
        ? (
          <ActionButton
            url={apiPath("tasks", task.id, "retry")}
            label="Retry"
            title="Retry this task?"
            confirm={retry}
            done="Task queued again"
          />
        )
        : null}
      {cancel
        ? (
          <ActionButton
            url={apiPath("tasks", task.id, "cancel")}
            label="Cancel"
            title="Cancel this task?"
            confirm={cancel}
            reason="optional"
            danger
            done="Task cancelled"
          />
        )
        : null}
      {done
        ? (
          <ActionButton
            url={apiPath("tasks", task.id, "done")}
            label="Mark done"
            title="Mark this task done?"
            confirm={done}
            reason="required"
            danger
            done="Task marked done"
          />
        )
        : null}
    </span>
  );
};
