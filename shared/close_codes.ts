/**
 * The limits and close codes of the worker ⇄ hub WebSocket.
 *
 * @module
 */

/** Frames larger than this are refused (close code 1009). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
/**
 * Every WebSocket close code Drover uses, on both sides.
 *
 * - `normal` (1000): a worker stopping; `goingAway` (1001): a hub shutting
 *   down (reconnect to another hub).
 * - `protocolError` (1002): a binary frame, a first frame that is not a
 *   valid `hello`, or a protocol version the hub does not speak.
 * - `policy` (1008): refused: no worker token, an unknown or revoked one, a
 *   token of another role, labels outside the token's scope, no hello in
 *   time, a family registered with another schema. The worker retries with
 *   backoff, so an operator can fix the token without restarting it.
 * - `tooBig` (1009): a frame over {@link MAX_FRAME_BYTES} that is not a
 *   result (a result that big is refused as that task's: an `error` frame
 *   naming it, and the connection stays).
 * - `internal` (1011): the hub could not register the worker.
 * - `tryAgain` (1013): the hub's database stayed away while it handled a
 *   result: the worker connects again (to any hub) and sends it again.
 * - `replaced` (4000): a newer connection of the same worker took over.
 * - `drained` (4001): the worker was drained: it stops and does not reconnect.
 */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  tryAgain: 1013,
  replaced: 4000,
  drained: 4001,
} as const;
