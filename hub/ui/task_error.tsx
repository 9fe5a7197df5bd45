/**
 * A task error as the hub stores it (`{ name, message, retryable }`): one
 * line, then its stack (when the error carries one) and the whole record in
 * a `<details>`. All of it is text: a message is whatever the task threw.
 */
import type { FC } from "hono/jsx";
import { describeError } from "../../shared/describe_error.ts";

/** The error's line, with its stack and record folded away. */
export const TaskError: FC<{ error: unknown }> = ({ error }) => {
  if (error === null || error === undefined) return <span class="muted">—</span>;
  const stack = typeof error === "object" && "stack" in error && typeof error.stack === "string"
    ? error.stack
    : null;
  const retryable = typeof error === "object" && "retryable" in error
    ? error.retryable === true
    : null;
  return (
    <div class="task-error">
      <span class="error-line">{describeError(error)}</span>
      {retryable === null
        ? null
        : <span class="muted small">{retryable ? " (retryable)" : " (not retryable)"}</span>}
      <details class="error-details">
        <summary class="muted small">{stack ? "stack" : "details"}</summary>
        <pre class="stack">{stack ?? JSON.stringify(error, null, 2)}</pre>
      </details>
    </div>
  );
};
