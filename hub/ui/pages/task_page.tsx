/**
 * `/ui/tasks/{id}`: one task — what it is (family, version, params, pin,
 * priority, resources), where it stands (state, status, progress, why it
 * cannot be scheduled), its requirements and dependents, every attempt, its
 * publication, and its log (stored lines per attempt, followed live while
 * it is unfinished); Retry, Cancel and Mark done for operators.
 */
import { z } from "zod";
import { RequestError } from "../../core/request_error.ts";
import { OPERATE, READ } from "../../http/roles.ts";
import { taskDependents } from "../../queries/task_dependents.ts";
import { taskDetail } from "../../queries/task_detail.ts";
import { taskLogLines } from "../../queries/task_logs.ts";
import { PageHead } from "../layout.tsx";
import { may, uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";
import { TaskActions } from "./task_actions.tsx";
import { TaskAttempts } from "./task_attempts.tsx";
import { TaskFactsPanel, TaskLinks } from "./task_facts_panel.tsx";
import { TaskLogsPanel } from "./task_logs_panel.tsx";

/** Lines rendered with the page; the rest come from the log's API. */
const LOG_LINES = 2_000;

const attemptQuery = z.union([z.literal("all"), z.coerce.number().int().min(0).max(1_000_000)])
  .optional().catch(undefined);

/** Mounts `/ui/tasks/:id`. */
export function taskPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/tasks/:id", nav: "runs", allow: READ }, async (p) => {
    const id = p.c.req.param("id")!;
    const asked = attemptQuery.parse(p.c.req.query("attempt") || undefined);
    const found = await deps.core.read(async (db) => {
      const task = await taskDetail(db, id, p.now);
      if (!task) return undefined;
      const attempts = [...new Set(task.attempts.map((a) => a.attempt))].sort((a, b) => a - b);
      const attempt = asked === "all" ? undefined : asked ?? attempts.at(-1);
      const lines = await taskLogLines(db, { taskId: id, attempt, limit: LOG_LINES });
      return { task, attempts, attempt, lines, dependents: await taskDependents(db, id) };
    });
    if (!found) throw new RequestError(404, "task_not_found", `Task "${id}" does not exist`);
    const { task } = found;
    const operate = may(p.principal, OPERATE);
    return {
      title: task.id,
      body: (
        <>
          <PageHead
            title={`${task.family} task`}
            sub={<span class="mono">{task.id}</span>}
            actions={
              <a class="btn" href={`/ui/families/${encodeURIComponent(task.family)}`}>
                {task.family}
              </a>
            }
          />
          <div class="task-top">
            <div id="task-live" data-live="task.*,lease.expired" data-live-task={task.id}>
              <TaskFactsPanel
                task={task}
                now={p.now}
                actions={operate ? <TaskActions task={task} /> : null}
              />
            </div>
            <TaskLogsPanel
              task={task}
              attempts={found.attempts}
              attempt={found.attempt}
              lines={found.lines}
              full={found.lines.length === LOG_LINES}
            />
          </div>
          <div id="task-live-more" data-live="task.*,lease.expired">
            <TaskLinks task={task} dependents={found.dependents} />
            <TaskAttempts task={task} now={p.now} />
          </div>
        </>
      ),
    };
  });
}
