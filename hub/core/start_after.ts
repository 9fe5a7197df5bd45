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

/**
 * The cursor to start from, and the notice to send first, if any. `safe`:
 * the id up to which every event that will commit is visible (below
 * `bounds.last` where ids are not handed out in commit order, as on
 * PostgreSQL): a stream from now on starts there, not past an event still
 * being committed.
 */
export function startAfter(
  after: number | null,
  bounds: EventBounds,
  safe = bounds.last,
): { cursor: number; gap: EventGap | null } {
  if (after === null) return { cursor: safe, gap: null };
  if (after > bounds.last) {
    return {
      cursor: safe,
      gap: {
        reason: "ahead",
        after,
        resumedAfter: safe,
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
