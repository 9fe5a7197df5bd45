/** Shared pieces of the operation tests: a claim request and expansion nodes. */
import type { ExpandNode } from "../../shared/protocol.ts";
import type { ClaimRequest } from "./claim_tasks.ts";
import { UNKNOWN_FAMILY } from "./family_defaults.ts";

const F = [{ name: "F", version: 1 }];

/** A claim by `workerId` for family F, any pin, up to 10 tasks, at 1 000 ms, TTL 500 ms. */
export const claim = (workerId: string, extra: Partial<ClaimRequest> = {}): ClaimRequest => ({
  workerId,
  pins: [""],
  families: F,
  limit: 10,
  now: 1_000,
  ttlMs: 500,
  ...extra,
});

/** Family defaults with a run (not a wrapper). */
export const families = () => ({ ...UNKNOWN_FAMILY, hasRun: true });

/** An expanded node. */
export function node(id: string, deps: string[] = [], extra: Partial<ExpandNode> = {}): ExpandNode {
  return {
    external: false,
    id,
    family: "F",
    version: 1,
    params: {},
    expanded: true,
    complete: false,
    deps,
    ...extra,
  };
}
