/** Waits until a hub lists given workers as connected. */
import type { ApiClient } from "./api_client.ts";
import { type PollOptions, pollUntil } from "./poll_until.ts";
import type { ProcessHandle } from "./process_handle.ts";

/**
 * Polls `GET /api/workers` until every worker named in `names` is connected
 * (for workers that log below info, whose welcome line never comes). Fails
 * at once, with its last lines, if one of `processes` exits meanwhile.
 * Default: every 50 ms, for 30 s at most.
 */
export async function waitForWorkers(
  api: ApiClient,
  names: readonly string[],
  processes: readonly ProcessHandle[],
  options: PollOptions = {},
): Promise<void> {
  let missing = [...names];
  await pollUntil(
    () => `workers ${missing.join(", ")} to connect`,
    async () => {
      const gone = processes.find((p) => p.exited);
      if (gone) {
        throw new Error(
          `Worker "${gone.name}" exited before connecting. Last lines:\n${gone.tail(10)}`,
        );
      }
      const { workers } = await api.get<{ workers: Array<{ name: string; state: string }> }>(
        "/api/workers",
      );
      const connected = new Set(workers.filter((w) => w.state === "connected").map((w) => w.name));
      missing = names.filter((n) => !connected.has(n));
      return missing.length === 0 ? true : undefined;
    },
    { ...options, timeoutMs: options.timeoutMs ?? 30_000 },
  );
}
