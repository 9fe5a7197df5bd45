/** What a worker's session is built from. */
import type { Logger } from "../shared/log.ts";
import type { Labels } from "../shared/selector.ts";
import type { AnyTaskFamily } from "../shared/task.ts";
import type { Clock } from "./clock.ts";
import type { Outbox } from "./outbox.ts";
import type { StagingJournal } from "./staging_journal.ts";
import type { TaskLogOptions } from "./task_log_limits.ts";

/** What a session is built from. */
export interface SessionOptions {
  hubUrl: string;
  families: readonly AnyTaskFamily[];
  labels: Labels;
  slots: number;
  /** Grants that may wait for a slot beyond the free ones (protocol 2 hubs). */
  prefetch: number;
  /** How long a frame waits for others to go out with it, ms (protocol 2 hubs). Default 0. */
  coalesceMs?: number;
  name: string;
  log: Logger;
  /** Results not yet acknowledged (replayed on every welcome). */
  outbox: Outbox;
  /** Where attempts journal their staged outputs until they are resolved. */
  journal: StagingJournal;
  workerId: string;
  /** WebSocket request headers (the worker token). */
  headers?: Record<string, string>;
  /** Certificate authorities (PEM) trusted for `https://` hubs besides the default roots. */
  caCerts?: readonly string[];
  /** Time and timers; the real ones by default. */
  clock?: Clock;
  /** Bounds on the task logs shipped to the hub, and the console capture. */
  taskLogs?: TaskLogOptions;
}
