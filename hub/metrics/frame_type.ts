/** A received frame's type as a metric label: one of the protocol's, or `invalid`. */
import { workerFrameSchema } from "../../shared/protocol.ts";

/** The frame types a worker may send. */
const TYPES: ReadonlySet<string> = new Set(
  workerFrameSchema.options.map((o) => o.shape.type.value),
);

/** `json`'s `type` when the protocol has it, else `invalid` (bad JSON, unknown types). */
export function frameType(json: unknown): string {
  const type = (json as { type?: unknown } | null)?.type;
  return typeof type === "string" && TYPES.has(type) ? type : "invalid";
}
