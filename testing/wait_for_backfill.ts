/** Waits until a backfill is no longer running. */
import type { ApiClient } from "./api_client.ts";
import { type PollOptions, pollUntil } from "./poll_until.ts";

/**
 * Polls `GET /api/backfills/:id` until the backfill is no longer running,
 * and resolves with it (as the caller types it). Default: every 100 ms, for
 * 30 s at most.
 */
export function waitForBackfill<T extends { state: string }>(
  api: ApiClient,
  backfillId: string,
  options: PollOptions = {},
): Promise<T> {
  let last: unknown;
  return pollUntil(
    () => `backfill ${backfillId} to end; last: ${JSON.stringify(last)}`,
    async () => {
      const { status, body } = await api.request<T>(`/api/backfills/${backfillId}`);
      last = body;
      return status === 200 && body.state !== "running" ? body : undefined;
    },
    { ...options, timeoutMs: options.timeoutMs ?? 30_000, everyMs: options.everyMs ?? 100 },
  );
}
