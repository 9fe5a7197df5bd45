/**
 * What the id of `retry` or `cancel` names when neither `--run` nor `--task`
 * says: the hub is asked for both, since an id does not tell (a task family
 * named `run` has task ids that start with `run_`, like run ids).
 */
import type { ApiClient } from "./api_client.ts";
import type { Target } from "./command.ts";
import { HubError, UsageError } from "./errors.ts";

/**
 * `"run"` or `"task"`, whichever of `GET /api/runs/{id}` and `GET /api/tasks/{id}`
 * exists. Neither: the hub's {@link HubError} for the task (`task_not_found`).
 * Both: a {@link UsageError} asking for `--run` or `--task`.
 */
export async function resolveTarget(
  client: ApiClient,
  command: "retry" | "cancel",
  id: string,
): Promise<Target> {
  const [run, task] = await Promise.all([
    found(client.getRun(id), "run_not_found"),
    found(client.getTask(id), "task_not_found"),
  ]);
  if (run === true && task === true) {
    throw new UsageError(
      `"${id}" names both a run and a task: say which, with "drover ${command} ${id} --run" ` +
        "or --task",
    );
  }
  if (run === true) return "run";
  if (task === true) return "task";
  throw task;
}

/** True when `lookup` answers, its not-found error (`code`) when not; other failures throw. */
async function found(lookup: Promise<unknown>, code: string): Promise<true | HubError> {
  try {
    await lookup;
    return true;
  } catch (error) {
    if (error instanceof HubError && error.code === code) return error;
    throw error;
  }
}
