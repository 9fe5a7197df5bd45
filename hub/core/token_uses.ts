/**
 * When each token was last used: noted in memory as requests authenticate
 * and worker sessions renew their leases, and written by a timer, so that no
 * request (a GET least of all) writes. A token's stored time is brought up
 * to date at most once a minute.
 */

/** How stale a token's stored `lastUsedAt` may get before a new use is written. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Uses noted since the last flush. */
export class TokenUses {
  #pending = new Map<string, number>();
  /** The last use noted per token, so repeated uses within the resolution cost nothing. */
  readonly #noted = new Map<string, number>();

  /**
   * Notes that token `id` (whose stored last use is `stored`) was used at
   * `now`, unless a use within the resolution is already known.
   */
  note(id: string, stored: number | null, now: number): void {
    const last = this.#noted.get(id) ?? stored;
    if (last !== null && now - last < LAST_USED_RESOLUTION_MS) return;
    this.#noted.set(id, now);
    this.#pending.set(id, now);
  }

  /** The uses to write, by token id; the notes are cleared. */
  take(): Map<string, number> {
    const taken = this.#pending;
    this.#pending = new Map();
    return taken;
  }
}
