/**
 * A button that calls the API (see `client/actions.ts`): confirmed in a
 * dialog that says what will happen, reported, then the page's data refreshed.
 * Render it only for roles the API route allows.
 */
import type { FC } from "hono/jsx";

/** What the button does and says. */
export interface ActionProps {
  /** The API path, already encoded (`/api/workers/${encodeURIComponent(id)}/drain`). */
  url: string;
  method?: "POST" | "PUT" | "DELETE";
  label: string;
  /** What will happen, asked before doing it; none: no confirmation. */
  confirm?: string;
  title?: string;
  confirmLabel?: string;
  danger?: boolean;
  reason?: "required" | "optional";
  /** Said once it is done. */
  done?: string;
  body?: Record<string, unknown>;
}

/** The button. */
export const ActionButton: FC<ActionProps> = (p) => (
  <button
    type="button"
    class={`btn small${p.danger ? " danger" : ""}`}
    data-action={p.url}
    data-method={p.method ?? "POST"}
    data-confirm={p.confirm}
    data-title={p.title}
    data-confirm-label={p.confirmLabel ?? p.label}
    data-danger={p.danger ? "" : undefined}
    data-reason-required={p.reason === "required" ? "" : undefined}
    data-reason-optional={p.reason === "optional" ? "" : undefined}
    data-done={p.done}
    data-body={p.body ? JSON.stringify(p.body) : undefined}
  >
    {p.label}
  </button>
);

/** `/api/…` with each part URL-encoded. */
export function apiPath(...parts: string[]): string {
  return "/api/" + parts.map((p) => encodeURIComponent(p)).join("/");
}
