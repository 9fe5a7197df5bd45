/** What every command runs with. */
import type { ApiClient } from "./api_client.ts";
import type { Io } from "./io.ts";

/** A command's dependencies and the global flags. */
export interface CommandContext {
  client: ApiClient;
  io: Io;
  /** `--json`: print machine-readable JSON on stdout, nothing else there. */
  json: boolean;
  /** The CLI's clock: for its own timing (progress lines at most once a second). */
  now: () => number;
  /**
   * The hub's clock as its answers' `Date` headers tell it (see `hub_clock.ts`):
   * for how long ago a hub time (`createdAt`, `lastSeenAt`…) was.
   */
  hubNow: () => number;
  /** Pauses between the polls of a `--wait`. */
  sleep: (ms: number) => Promise<void>;
  /** How often `--wait` polls the run or backfill. */
  pollMs: number;
}

/** Prints `value` as indented JSON on stdout. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.out(JSON.stringify(value, null, 2));
}
