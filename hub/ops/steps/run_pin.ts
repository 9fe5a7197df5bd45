/**
 * A run's pin reaches every task of the run that has no pin of its own:
 * `drover submit --pin region=eu-west` means the whole run works in
 * eu-west, not only its root. A task whose family (or whose own pin
 * function) names a pin keeps it. A preference (`prefer`) is inherited the
 * same way, each task spilling over on its own clock. Tasks another run
 * already created keep the pin they were created with.
 */
import type { ExpandNode } from "../../../shared/protocol.ts";
import { parsePinKey, pinKey, type Selector } from "../../../shared/selector.ts";
import { type FamilyLookup, UNKNOWN_FAMILY } from "../family_defaults.ts";
import type { NewTask } from "./insert_tasks.ts";

/** The pin a run chose, as its tasks carry it. */
export type RunPin =
  | { pinOverride: Selector }
  | { spill: { label: string; values: string[]; spillAfterMs: number } };

/** The run pin task `row` carries (`pin_spill` marks one), or null. */
export function runPinOf(row: { pin: string; pin_spill: string | null }): RunPin | null {
  if (row.pin_spill === null) return null;
  const spill = JSON.parse(row.pin_spill) as
    | { fixed: true }
    | { label: string; values: string[]; spillAfterMs: number };
  if ("fixed" in spill) return { pinOverride: parsePinKey(row.pin) };
  return { spill: { label: spill.label, values: spill.values, spillAfterMs: spill.spillAfterMs } };
}

/** `node` as a new task, with the run's pin when it has no pin of its own. */
export function withRunPin(
  node: ExpandNode,
  runPin: RunPin | null,
  families: FamilyLookup,
): NewTask {
  if (runPin === null) return node;
  const familyPin = (families(node.family, node.version) ?? UNKNOWN_FAMILY).pin;
  const ownPin = node.pin !== undefined ? pinKey(node.pin) : "";
  return familyPin === "" && ownPin === "" ? { ...node, ...runPin } : node;
}
