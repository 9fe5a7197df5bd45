/** Polls a backfill until every day has ended. */
import { delay } from "../shared/delay.ts";
import type { ApiClient } from "./api_client.ts";
import type { BackfillStatus } from "../shared/api_schemas.ts";
import type { WaitOptions } from "./wait_for_run.ts";

/** Fetches `GET /api/backfills/:id` every `intervalMs` until the state is `done` or `failed`. */
export async function waitForBackfill(
  client: ApiClient,
  backfillId: string,
  options: Omit<WaitOptions, "onUpdate"> & { onUpdate: (backfill: BackfillStatus) => void },
): Promise<BackfillStatus> {
  const sleep = options.sleep ?? delay;
  const intervalMs = options.intervalMs ?? 200;
  while (true) {
    const backfill = await client.getBackfill(backfillId);
    options.onUpdate(backfill);
    if (backfill.state !== "running") return backfill;
    await sleep(intervalMs);
  }
}
