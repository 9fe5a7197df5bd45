/**
 * What a task produces. A target can say whether it exists, and can be
 * written through a staged write that only becomes visible once the hub has
 * accepted the task's publication.
 *
 * @module
 */

/**
 * A place a task's output lives.
 *
 * @example
 * ```ts
 * import type { Target } from "./target.ts";
 * async function ready(t: Target) {
 *   return await t.exists();
 * }
 * ```
 */
export interface Target {
  /** Where the output lives, for logs and the UI (`file:///…`, `s3://…`). */
  readonly uri: string;
  /** Whether the final output exists. */
  exists(): Promise<boolean>;
  /** Opens a staged write for one attempt; `stageKey` is unique per attempt. */
  stage(stageKey: string): StagedOutput;
}

/** What an output is written from: text, bytes, or a stream of bytes. */
export type OutputData = string | Uint8Array | ReadableStream<Uint8Array>;

/**
 * A staged output of one attempt: written during `run`, made visible by
 * `commit` after the hub accepted the publication, or thrown away by `discard`.
 *
 * @example
 * ```ts
 * import type { StagedOutput } from "./target.ts";
 * async function save(out: StagedOutput) {
 *   await out.write('{"rows":3}\n');
 * }
 * ```
 */
export interface StagedOutput {
  /** The final target. */
  readonly target: Target;
  /**
   * Writes the whole output (replacing earlier writes of this attempt). A
   * stream is written as it comes, never held whole in memory by targets
   * that can avoid it (files, objects).
   */
  write(data: OutputData): Promise<void>;
  /** Whether this attempt wrote anything. */
  written(): Promise<boolean>;
  /** Makes the staged output the final one, atomically; safe to repeat. */
  commit(): Promise<void>;
  /** Removes the staged output; safe to repeat. */
  discard(): Promise<void>;
  /** A description a restarted worker can turn back into this staged output. */
  describe(): StagedDescription;
}

/**
 * A serialisable description of a staged output (kept in the worker's outbox
 * and staging journal, so a restarted worker can commit or discard it).
 *
 * @example
 * ```ts
 * import type { StagedDescription } from "./target.ts";
 * const d: StagedDescription = { kind: "local", final: "/data/a.json", staging: "/data/a.json.staging-e1" };
 * ```
 */
export interface StagedDescription {
  /** The target kind, e.g. `"local"`. */
  kind: string;
  /** Where the final output goes. */
  final: string;
  /** Where the staged output is. */
  staging: string;
  /**
   * What else the kind needs to reach them again (an endpoint, a region),
   * JSON values only, never a secret: credentials come from the restarted
   * worker's own environment.
   */
  options?: Record<string, string | number | boolean>;
}

/**
 * `stageKey` as a part of a file or object name: what is not a letter,
 * digit, `.`, `_` or `-` becomes `-`.
 *
 * @example
 * ```ts
 * import { safeStageKey } from "./target.ts";
 * console.assert(safeStageKey("Load_1@e2-ab") === "Load_1-e2-ab");
 * ```
 */
export function safeStageKey(stageKey: string): string {
  return stageKey.replace(/[^A-Za-z0-9._-]+/g, "-");
}
