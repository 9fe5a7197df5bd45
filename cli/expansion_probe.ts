/**
 * Whether a followed run's graph is known yet. Until a worker has expanded
 * its root task (found what it requires), a run has that one task, whose
 * next lease is an expansion: its total of 1 says nothing of the run's size.
 */
import type { ApiClient } from "./api_client.ts";
import type { RunStatus } from "../shared/api_schemas.ts";
import { HubError, HubUnreachableError } from "./errors.ts";

/** A root task not expanded yet: ready for a worker to expand it, or being expanded. */
export interface UnexpandedRoot {
  state: "ready" | "leased";
  /** Why no connected worker can take it, when it is ready. */
  unschedulable: string | null;
}

/** Resolves, poll by poll, with the run's root while it is not expanded, else null. */
export type ExpansionProbe = (run: RunStatus) => Promise<UnexpandedRoot | null>;

/**
 * Creates a probe for one run. It asks the hub about the root
 * (`GET /api/tasks/{root}`) only while the run is running with a total of
 * 1, and never again once the root is expanded: a run of one task asks
 * once, a run past its expansion not at all. When the hub cannot answer,
 * the graph is taken as unknown (null) and not asked about again.
 */
export function createExpansionProbe(client: ApiClient): ExpansionProbe {
  let settled = false;
  return async (run) => {
    if (settled) return null;
    if (run.state !== "running" || run.total > 1) {
      settled = true;
      return null;
    }
    try {
      const root = await client.getTask(run.rootTaskId);
      if (root.next === "expand" && (root.state === "ready" || root.state === "leased")) {
        return { state: root.state, unschedulable: root.unschedulable };
      }
    } catch (error) {
      if (!(error instanceof HubError || error instanceof HubUnreachableError)) throw error;
    }
    settled = true;
    return null;
  };
}
