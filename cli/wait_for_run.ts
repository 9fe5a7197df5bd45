/** Polls a run until it is no longer running. */
import { delay } from "../shared/delay.ts";
import type { ApiClient } from "./api_client.ts";
import type { RunStatus } from "../shared/api_schemas.ts";

/** Options for {@link waitForRun}. */
export interface WaitOptions {
  /** Called with every status fetched, the final one included; awaited before the next poll. */
  onUpdate: (run: RunStatus) => void | Promise<void>;
  /** Pause between polls. Default 200 ms. */
  intervalMs?: number;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Fetches `GET /api/runs/:id` every `intervalMs` until the state is `done` or `failed`. */
export async function waitForRun(
  client: ApiClient,
  runId: string,
  options: WaitOptions,
): Promise<RunStatus> {
  const sleep = options.sleep ?? delay;
  const intervalMs = options.intervalMs ?? 200;
  while (true) {
    const run = await client.getRun(runId);
    await options.onUpdate(run);
    if (run.state !== "running") return run;
    await sleep(intervalMs);
  }
}
