/** Reads a task's output file once it is there. */
import { type PollOptions, pollUntil } from "./poll_until.ts";

/**
 * The text of the file at `path`, once it exists. A run is done when the hub
 * accepts its publication; the worker renames the staged output into place
 * right after it receives that answer, so a reader outside Drover may be a
 * few milliseconds early (tasks inside Drover wait for their inputs by
 * themselves). Default: every 10 ms, for 5 s at most.
 */
export function readOutput(path: string, options: PollOptions = {}): Promise<string> {
  return pollUntil(`the output ${path}`, async () => {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  }, { ...options, timeoutMs: options.timeoutMs ?? 5_000, everyMs: options.everyMs ?? 10 });
}
