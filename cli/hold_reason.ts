/**
 * Why a followed run is not moving: when none of its tasks is running, the
 * hub can say why a ready one is not leased (`family X is paused`, `no
 * connected worker matches region=ap-south`). Asked at most once per poll,
 * and only then.
 */
import type { ApiClient } from "./api_client.ts";
import type { RunStatus } from "../shared/api_schemas.ts";
import { HubError, HubUnreachableError } from "./errors.ts";
import type { UnexpandedRoot } from "./expansion_probe.ts";
import { formatProgress, formatUnexpanded } from "./progress.ts";

/** Finds out, poll by poll, why a run is held; resolves with the hub's reason or null. */
export type HoldProbe = (run: RunStatus) => Promise<string | null>;

/** Whether a poll of `run` warrants asking why: it is unfinished, nothing runs, something is ready. */
export function shouldAskWhyHeld(run: RunStatus): boolean {
  return run.state === "running" && (run.counts.leased ?? 0) === 0 && (run.counts.ready ?? 0) > 0;
}

/**
 * Creates a probe for one run. It looks at one task per poll: first the
 * run's root, then a ready dependency the last task showed, else (on the
 * next poll) one ready task of the run, `GET /api/tasks?run=&state=ready&limit=1`.
 * A failed look is no reason: the poll of the run itself reports the hub's
 * problems.
 */
export function createHoldProbe(client: ApiClient, runId: string): HoldProbe {
  /** The task to ask about; undefined: the root, at first; null: find a ready one. */
  let candidate: string | null | undefined;
  return async (run) => {
    if (!shouldAskWhyHeld(run)) return null;
    if (candidate === undefined) candidate = run.rootTaskId;
    try {
      if (candidate === null) {
        const [ready] = await client.listTasks({ run: runId, state: "ready", limit: 1 });
        candidate = ready?.id ?? null;
        return null;
      }
      const task = await client.getTask(candidate);
      if (task.state === "ready") return task.unschedulable;
      candidate = task.dependencies.find((d) => d.state === "ready")?.id ?? null;
      return null;
    } catch (error) {
      if (!(error instanceof HubError || error instanceof HubUnreachableError)) throw error;
      candidate = null;
      return null;
    }
  };
}

/** A poll of a followed run, with why it is held when the hub said. */
export interface HeldRun {
  run: RunStatus;
  held: string | null;
  /** The run's root while it is not expanded (the run's size is not known yet). */
  unexpanded?: UnexpandedRoot["state"] | null;
}

/**
 * `[----------] 0/4 done · 0 running · 0 failed · 3.0s · held: family X is paused`,
 * or `[----------] waiting to expand the graph… · 3.0s · held: …` before the
 * run's root is expanded.
 */
export function formatHeldProgress({ run, held, unexpanded }: HeldRun, elapsedMs: number): string {
  const line = unexpanded
    ? formatUnexpanded(unexpanded, elapsedMs)
    : formatProgress(run, elapsedMs);
  return held === null ? line : `${line} · held: ${held}`;
}
