/**
 * Staged outputs survive in the outbox as descriptions; this turns a
 * description back into a staged output, by target kind, the same way for
 * every kind: `LocalTarget`'s is registered from the start, the others (an
 * object store, a table: `targets/`) by the task modules that use them.
 */
import { PermanentError } from "../shared/errors.ts";
import { LOCAL_KIND, LocalTarget } from "../shared/targets/local_target.ts";
import type { StagedDescription, StagedOutput } from "../shared/targets/target.ts";

const kinds = new Map<string, (description: StagedDescription) => StagedOutput>([
  [LOCAL_KIND, (d) => LocalTarget.fromDescription(d)],
]);

/**
 * Registers how to restore staged outputs of a custom target kind (the
 * `kind` its `describe()` returns), so that a restarted worker can commit or
 * discard them when the hub answers.
 *
 * @example
 * ```ts
 * import { LocalTarget } from "../shared/targets/local_target.ts";
 * import { registerStagedKind } from "./restore_staged.ts";
 * registerStagedKind("mirror", (d) => LocalTarget.fromDescription(d));
 * ```
 */
export function registerStagedKind(
  kind: string,
  restore: (description: StagedDescription) => StagedOutput,
): void {
  kinds.set(kind, restore);
}

/**
 * Throws a {@link PermanentError} when a staged output of `kind` could not
 * be restored by a later process: checked as an attempt stages its outputs,
 * so a worker missing a task module's `stagedKinds` fails the task at once,
 * naming the kind, rather than after the hub accepted its publication.
 */
export function assertRestorable(kind: string): void {
  if (!kinds.has(kind)) {
    throw new PermanentError(
      `Outputs of kind "${kind}" cannot be restored by a restarted worker: export ` +
        `"stagedKinds" from the task module (or call registerStagedKind("${kind}", …))`,
    );
  }
}

/** Turns an outbox description back into a staged output, by target kind. */
export function restoreStaged(description: StagedDescription): StagedOutput {
  const restore = kinds.get(description.kind);
  if (!restore) {
    throw new TypeError(
      `Unknown staged output kind "${description.kind}" in the outbox: register it with registerStagedKind()`,
    );
  }
  return restore(description);
}

/**
 * Discards the staged output `description` names. Rejects, never throws: a
 * kind not registered, or a description its kind refuses, fails this one
 * discard and not the others beside it.
 */
export function discardStaged(description: StagedDescription): Promise<void> {
  return Promise.resolve().then(() => restoreStaged(description).discard());
}
