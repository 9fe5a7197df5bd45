/**
 * Where a stream starts: after the id a client asked for (`Last-Event-ID`,
 * `after=`), or after the newest event when it asked for none. When events
 * after that id are gone (retention) or the id was never handed out (a
 * client of another database), the stream says so first with a gap notice
 * and goes on from what there is: it never waits silently for ids that will
 * not come, nor passes over a loss without a word.
 */
import type { EventGap } from "../../shared/api_schemas_events.ts";
import type { EventBounds } from "../queries/event_bounds.ts";

/** The cursor to start from, and the notice to send first, if any. */
export function startAfter(
  after: number | null,
  bounds: EventBounds,
): { cursor: number; gap: EventGap | null } {
  if (after === null) return { cursor: bounds.last, gap: null };
  if (after > bounds.last) {
    return {
      cursor: bounds.last,
      gap: {
        reason: "ahead",
        after,
        resumedAfter: bounds.last,
        message:
          `Event ${after} is newer than any of this database (the last is ${bounds.last}): ` +
          `going on after ${bounds.last}`,
      },
    };
  }
  // Ids have no holes and retention deletes a prefix: an id missing between
  // `after` and the oldest kept was pruned.
  const firstKept = bounds.oldest ?? bounds.last + 1;
  if (after + 1 < firstKept) {
    return {
      cursor: after,
      gap: {
        reason: "pruned",
        after,
        resumedAfter: firstKept - 1,
        message: `Events ${after + 1} to ${firstKept - 1} were pruned (older than the ` +
          `retention, DROVER_EVENT_RETENTION): going on after ${firstKept - 1}`,
      },
    };
  }
  return { cursor: after, gap: null };
}
