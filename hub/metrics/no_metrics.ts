/** The instruments of a hub that measures nothing (`DROVER_METRICS=off`). */
import type { HubMetrics } from "./hub_metrics.ts";

const nothing = () => {};

/** Every method does nothing; `scrape` is never called (the route answers 404 first). */
export const NO_METRICS: HubMetrics = {
  enabled: false,
  leasesGranted: nothing,
  leasesRenewed: nothing,
  taskPublished: nothing,
  duplicateCompletion: nothing,
  completionRefused: nothing,
  attemptFailed: nothing,
  tasksFailed: nothing,
  leasesExpired: nothing,
  tasksCancelled: nothing,
  committed: nothing,
  databaseError: nothing,
  busyRetry: nothing,
  frameReceived: nothing,
  frameSent: nothing,
  httpRequest: nothing,
  pruned: nothing,
  heartbeat: nothing,
  scheduleFired: nothing,
  scheduleSkipped: nothing,
  triggerMessages: nothing,
  scrape: () => Promise.reject(new Error("This hub measures nothing (DROVER_METRICS=off)")),
};
