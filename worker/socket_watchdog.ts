/**
 * Notices a hub that cannot be reached or went silent. A partition looks
 * like nothing at all: SYNs go unanswered and an open socket just stops
 * carrying frames, and TCP may take minutes to say so. The hub answers every
 * lease renewal (sent every third of the TTL), so a socket silent for two
 * TTLs (the session's choice: a slow hub is not a lost one) is given up on,
 * as is one that did not open in time.
 */

/** How long a socket may take to open before it is given up on. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** What the watchdog asks and tells. */
export interface WatchdogHooks {
  /** Whether the socket opened. */
  opened(): boolean;
  /** The longest silence allowed on an open socket (null: no limit yet). */
  silenceMs(): number | null;
  /** It did not open in time ({@link CONNECT_TIMEOUT_MS} by default). */
  onConnectTimeout(): void;
  /** It has been silent for `silentMs`. */
  onSilent(silentMs: number): void;
}

/** A running watchdog of one socket. */
export interface Watchdog {
  /** Something came from the hub (or the socket opened). */
  heard(): void;
  stop(): void;
}

/** Starts watching; checks once a second (`everyMs`). */
export function startWatchdog(
  hooks: WatchdogHooks,
  { everyMs = 1_000, connectTimeoutMs = CONNECT_TIMEOUT_MS } = {},
): Watchdog {
  let heardAt = Date.now();
  const timer = setInterval(() => {
    const silent = Date.now() - heardAt;
    if (!hooks.opened()) {
      if (silent > connectTimeoutMs) hooks.onConnectTimeout();
      return;
    }
    const limit = hooks.silenceMs();
    if (limit !== null && silent > limit) hooks.onSilent(silent);
  }, everyMs);
  return {
    heard: () => heardAt = Date.now(),
    stop: () => clearInterval(timer),
  };
}
