/** Waits until a run is no longer running. */
import type { ApiClient } from "./api_client.ts";
import { type PollOptions, pollUntil } from "./poll_until.ts";

/** A run as `GET /api/runs/:id` shows it (the fields every caller reads; the rest untyped). */
export type RunStatus = Record<string, unknown> & {
  state: string;
  counts: Record<string, number>;
};

/**
 * Polls `GET /api/runs/:id` until the run is no longer running, and resolves
 * with it. A failed request (a hub restarting) is asked again. Default:
 * every 100 ms, for 60 s at most.
 */
export function waitForRun(
  api: ApiClient,
  runId: string,
  options: PollOptions = {},
): Promise<RunStatus> {
  let last: unknown;
  return pollUntil(
    () => `run ${runId} to finish; last: ${JSON.stringify(last)}`,
    async () => {
      try {
        const { status, body } = await api.request<RunStatus>(`/api/runs/${runId}`);
        last = body;
        return status === 200 && body.state !== "running" ? body : undefined;
      } catch (error) {
        last = String(error); // hub restarting: keep polling
        return undefined;
      }
    },
    {
      ...options,
      timeoutMs: options.timeoutMs ?? 60_000,
      everyMs: options.everyMs ?? 100,
    },
  );
}
