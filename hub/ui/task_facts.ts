/** What the task page's actions would do, in the words of their confirmations. */
import type { TaskDetail } from "../../shared/api_schemas.ts";

type Facts = Pick<TaskDetail, "id" | "state" | "dependents">;

const FINAL = ["done", "failed", "cancelled"];

/** What Retry does, or null when the task is not failed or cancelled. */
export function retryTaskEffect(t: Facts): string | null {
  if (t.state !== "failed" && t.state !== "cancelled") return null;
  return `Put ${t.id} back in the queue with its attempts reset` +
    (t.dependents > 0 ? `, and unblock the ${waiting(t.dependents)} on it.` : ".");
}

/** What Cancel does, or null when the task is over. */
export function cancelTaskEffect(t: Facts): string | null {
  if (FINAL.includes(t.state)) return null;
  const running = t.state === "leased"
    ? " Its running attempt is told to stop and publishes nothing."
    : "";
  return `Cancel ${t.id}.${running}` +
    (t.dependents > 0
      ? ` The ${waiting(t.dependents)} on it ${t.dependents === 1 ? "is" : "are"} blocked.`
      : "") +
    " You can retry it later.";
}

/** What Mark done does, or null when it is done already. */
export function markDoneEffect(t: Facts): string | null {
  if (t.state === "done") return null;
  return `Record ${t.id} as done without running it: its outputs are taken as made by hand` +
    (t.state === "leased" ? ", its running attempt is fenced out" : "") +
    (t.dependents > 0 ? `, and the ${waiting(t.dependents)} on it may start.` : ".") +
    " The reason is kept in its status and the audit log.";
}

function waiting(n: number): string {
  return n === 1 ? "1 task waiting" : `${n} tasks waiting`;
}
