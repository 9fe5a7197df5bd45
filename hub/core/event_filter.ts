/**
 * What a client of the event stream asks for: some kinds, one run, one
 * task. Kinds are named exactly (`task.state`) or by their prefix
 * (`task.*`), comma-separated; the list is closed, so a prefix is expanded
 * here and the database compares exact kinds.
 */
import { EVENT_KINDS, type EventKind } from "../../shared/api_schemas_events.ts";

/** A stream's filters; every one that is set must match. */
export interface EventFilter {
  /** Only these kinds; null: all. */
  kinds: readonly EventKind[] | null;
  /** A run's own events and the task events of the tasks in its graph. */
  runId: string | null;
  /** One task's events (and those of runs rooted at it). */
  taskId: string | null;
}

/**
 * The kinds `text` names (`run.state,task.*`), in the order of
 * {@link EVENT_KINDS}; throws `RangeError` naming the first it does not know.
 */
export function parseKinds(text: string): EventKind[] {
  const wanted = new Set<EventKind>();
  for (const part of text.split(",").map((p) => p.trim())) {
    const matches = part.endsWith(".*")
      ? EVENT_KINDS.filter((k) => k.startsWith(part.slice(0, -1)))
      : EVENT_KINDS.filter((k) => k === part);
    if (matches.length === 0) {
      const prefixes = [...new Set(EVENT_KINDS.map((k) => `${k.split(".")[0]}.*`))];
      throw new RangeError(
        `"${part}" is not a kind of event: use ${EVENT_KINDS.join(", ")} or a prefix (${
          prefixes.join(", ")
        }), comma-separated`,
      );
    }
    for (const k of matches) wanted.add(k);
  }
  return EVENT_KINDS.filter((k) => wanted.has(k));
}
