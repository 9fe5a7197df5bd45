/**
 * When each token was last used: noted in memory as requests authenticate
 * and written by a timer, so that no request (a GET least of all) writes.
 * The stored time is brought up to date at most once a minute per token.
 */
import type { TokenInfo } from "../../shared/api_schemas_admin.ts";

/** How stale a token's stored `lastUsedAt` may get before a new use is written. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Uses noted since the last flush. */
export class TokenUses {
  #pending = new Map<string, number>();

  /** Notes that `token` was used at `now`, when its stored time is older than the resolution. */
  note(token: TokenInfo, now: number): void {
    const stored = this.#pending.get(token.id) ?? token.lastUsedAt;
    if (stored !== null && now - stored < LAST_USED_RESOLUTION_MS) return;
    this.#pending.set(token.id, now);
  }

  /** The uses to write, by token id; the notes are cleared. */
  take(): Map<string, number> {
    const taken = this.#pending;
    this.#pending = new Map();
    return taken;
  }
}
