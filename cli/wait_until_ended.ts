/** Polls a run or a backfill until it is no longer running. */

/** Options for {@link waitUntilEnded}. */
export interface WaitOptions<T> {
  /** Called with every status fetched, the final one included; awaited before the next poll. */
  onUpdate: (status: T) => void | Promise<void>;
  /** Pause between polls. */
  intervalMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Fetches the status with `fetchStatus` every `intervalMs` until its state is
 * no longer `running`, and resolves with that last status.
 */
export async function waitUntilEnded<T extends { state: string }>(
  fetchStatus: () => Promise<T>,
  options: WaitOptions<T>,
): Promise<T> {
  while (true) {
    const status = await fetchStatus();
    await options.onUpdate(status);
    if (status.state !== "running") return status;
    await options.sleep(options.intervalMs);
  }
}
