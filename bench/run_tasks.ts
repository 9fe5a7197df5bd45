/** A run's tasks as the bench reads them from `GET /api/tasks`. */
import type { ApiClient } from "../testing/api_client.ts";

/** A task of the list. */
export interface ApiTask {
  id: string;
  family: string;
  state: string;
  wrapper: boolean;
  attempt: number;
  readyAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
}

/**
 * The run's tasks, one request per family: `GET /api/tasks` caps `limit` at
 * 10,000 and has no paging, so a run of 10,001 tasks cannot come in one list.
 */
export async function fetchRunTasks(
  api: ApiClient,
  runId: string,
  families: readonly string[],
): Promise<ApiTask[]> {
  const all: ApiTask[] = [];
  for (const family of families) {
    let after: string | null = null;
    do {
      const { status, body }: { status: number; body: { tasks: ApiTask[]; next?: string | null } } =
        await api.request<{ tasks: ApiTask[]; next?: string | null }>(
          `/api/tasks?run=${encodeURIComponent(runId)}&family=${encodeURIComponent(family)}` +
            `&limit=1000${after ? `&after=${encodeURIComponent(after)}` : ""}`,
        );
      if (status !== 200) {
        throw new Error(
          `Listing ${family} tasks of ${runId} failed with ${status}: ${JSON.stringify(body)}`,
        );
      }
      all.push(...body.tasks);
      after = body.next ?? null;
    } while (after);
  }
  return all;
}
