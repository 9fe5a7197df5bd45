import { LocalTarget } from "../shared/targets/local_target.ts";
import type { StagedDescription, StagedOutput } from "../shared/targets/target.ts";

/** Turns an outbox description back into a staged output, by target kind. */
export function restoreStaged(description: StagedDescription): StagedOutput {
  switch (description.kind) {
    case "local":
      return LocalTarget.fromDescription(description);
    default:
      throw new TypeError(`Unknown staged output kind "${description.kind}" in the outbox`);
  }
}
