/**
 * The event kinds the hub sends (`shared/api_schemas_events.ts`, which the
 * client does not import: it would bundle zod). No DOM here, so server-side
 * tests may import it; `bundle_test.ts` keeps the two lists equal.
 */
/** Every event kind the hub sends (shared/api_schemas_events.ts; a test keeps them equal). */
export const EVENT_KINDS = [
  "run.created",
  "run.state",
  "task.created",
  "task.state",
  "lease.expired",
  "worker.connected",
  "worker.disconnected",
  "worker.mode",
  "family.disabled",
];
