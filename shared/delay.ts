/**
 * Resolves after `ms` milliseconds, or rejects with the signal's reason as
 * soon as `signal` aborts. The timer never outlives the call.
 *
 * @example
 * ```ts
 * import { delay } from "./delay.ts";
 * const ac = new AbortController();
 * const p = delay(10_000, ac.signal);
 * ac.abort(new Error("shutting down"));
 * await p.catch((e) => console.assert(e.message === "shutting down"));
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
