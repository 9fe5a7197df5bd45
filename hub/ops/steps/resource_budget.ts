/** What a dispatch round may still lease within the resource limits. */
import type { LeaseKind } from "../../db/schema.ts";
import type { Tx } from "../../db/client.ts";
import { rawAll } from "../../db/raw_sql.ts";
import { DEFAULT_RESOURCE_LIMIT, resourceLimits, resourcesInUse } from "../../queries/resources.ts";

/** A ready task a claim may take. */
export interface Candidate {
  id: string;
  priority: number;
  created_at: number;
  resources: string;
  kind: LeaseKind;
}

/**
 * The resources a round may still hand out: limits and what running tasks
 * hold, read once (when a candidate first needs a resource), and what the
 * round's earlier choices took.
 */
export class ResourceBudget {
  readonly #tx: Tx;
  #limits: Map<string, number> | null = null;
  #used: Map<string, number> | null = null;

  constructor(tx: Tx) {
    this.#tx = tx;
  }

  /**
   * Keeps candidates in order while the resources they hold (added to what
   * running tasks and earlier choices hold) stay within the limits; a
   * resource without a limit set on the hub has a limit of
   * {@link DEFAULT_RESOURCE_LIMIT}.
   */
  async choose(candidates: Candidate[], limit: number): Promise<Candidate[]> {
    if (candidates.every((c) => c.resources === "{}")) return candidates.slice(0, limit);
    if (this.#limits === null) await lockResources(this.#tx);
    const limits = this.#limits ??= await resourceLimits(this.#tx);
    const used = this.#used ??= await resourcesInUse(this.#tx);
    const chosen: Candidate[] = [];
    for (const c of candidates) {
      if (chosen.length >= limit) break;
      const needs = c.kind === "run"
        ? Object.entries(JSON.parse(c.resources) as Record<string, number>)
        : [];
      if (
        needs.some(([name, n]) =>
          (used.get(name) ?? 0) + n > (limits.get(name) ?? DEFAULT_RESOURCE_LIMIT)
        )
      ) {
        continue;
      }
      for (const [name, n] of needs) used.set(name, (used.get(name) ?? 0) + n);
      chosen.push(c);
    }
    return chosen;
  }
}

/**
 * On PostgreSQL, where claims of several hubs run at once: one claim at a
 * time reads and spends the resource limits (an advisory lock, "resour"
 * in ASCII, held to the commit), so two hubs cannot each grant the last
 * unit. Claims that need no resource never take it. SQLite has one writer.
 */
async function lockResources(tx: Tx): Promise<void> {
  await rawAll(tx, {
    text: "SELECT 1 AS locked /*+ postgres: FROM pg_advisory_xact_lock(125780053947762) */",
    args: [],
  });
}
