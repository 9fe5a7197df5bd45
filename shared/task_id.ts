/**
 * Task identity: `<family>_<short readable params>_<hash>`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical_json.ts";

const HASH_CHARS = 10;
const READABLE_MAX = 48;
const VALUE_MAX = 16;

/**
 * The id of a task instance: the same family, version and parsed params give
 * the same id in every process; bumping `version` gives new ids.
 *
 * The hash covers the family, the version and the canonical JSON of the
 * params; the readable middle part (params' values in key order, shortened)
 * is only for humans.
 *
 * @example
 * ```ts
 * import { taskId } from "./task_id.ts";
 * const id = taskId("ExtractRaw", 1, { runDate: "2026-11-23" });
 * console.assert(id.startsWith("ExtractRaw_2026-11-23_"));
 * console.assert(id === taskId("ExtractRaw", 1, { runDate: "2026-11-23" }));
 * ```
 */
export function taskId(family: string, version: number, params: unknown): string {
  const canonical = canonicalJson(params);
  const hash = createHash("sha256")
    .update(`${family}\n${version}\n${canonical}`)
    .digest("hex")
    .slice(0, HASH_CHARS);
  const readable = readableParams(params);
  return readable ? `${family}_${readable}_${hash}` : `${family}_${hash}`;
}

function readableParams(params: unknown): string {
  if (params === null || typeof params !== "object" || Array.isArray(params)) return "";
  const parts: string[] = [];
  for (const key of Object.keys(params).sort()) {
    const v = (params as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    const text = typeof v === "object" ? "" : String(v);
    const clean = text.replace(/[^A-Za-z0-9.\-]+/g, "-").slice(0, VALUE_MAX);
    if (clean) parts.push(clean);
  }
  return parts.join("_").slice(0, READABLE_MAX);
}

/** Family names are identifiers: letters, digits and `_`, starting with a letter. */
export const FAMILY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
