/// <reference lib="dom" />
/**
 * Declarative actions, so pages need no code of their own:
 *
 * - `<button data-action="/api/workers/w1/drain" data-method="POST"
 *   data-confirm="What will happen" data-title="Drain w1?" data-confirm-label="Drain"
 *   data-danger data-reason-required data-body='{"k":1}' data-done="Drained">`:
 *   asks (when `data-confirm`), sends, says what happened, refreshes the page's data.
 *   `data-reason-optional` asks for an optional reason instead; the reason goes in the body.
 * - `<form data-api-form="/api/pauses/{kind}/{value}" data-method="PUT" data-then="secret">`:
 *   the fields become the JSON body (numbers for `type=number`, empty ones left out);
 *   `{name}` in the URL takes that field instead. A problem naming a `field`
 *   is shown next to it. `data-then="secret"` shows the answer's `token` once.
 */
import { api, ApiError } from "./api.ts";
import { confirmAction, showSecret } from "./confirm_dialog.ts";
import { refreshRegions } from "./live.ts";
import { showNotice } from "./notice.ts";

/** Wires every action button and API form on the page (by delegation: swapped content too). */
export function wireActions(): void {
  document.addEventListener("click", (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>(
      "button[data-action]",
    );
    if (button) {
      event.preventDefault();
      void runButton(button);
    }
  });
  document.addEventListener("submit", (event) => {
    const form = event.target as HTMLFormElement;
    if (!form.matches("form[data-api-form]")) return;
    event.preventDefault();
    void submitForm(form);
  });
}

async function runButton(b: HTMLButtonElement): Promise<void> {
  const d = b.dataset;
  let body: Record<string, unknown> | undefined = d.body ? JSON.parse(d.body) : undefined;
  if (d.confirm !== undefined) {
    const answer = await confirmAction({
      title: d.title ?? b.textContent ?? "Confirm",
      message: d.confirm,
      reason: d.reasonRequired !== undefined
        ? "required"
        : d.reasonOptional !== undefined
        ? "optional"
        : null,
      confirmLabel: d.confirmLabel,
      danger: d.danger !== undefined,
    });
    if (!answer) return;
    if (answer.reason) body = { ...body, reason: answer.reason };
  }
  b.disabled = true;
  try {
    await api(d.method ?? "POST", d.action!, body);
    showNotice(d.done ?? "Done");
    await refreshRegions();
  } catch (error) {
    showNotice(messageOf(error), "error");
  } finally {
    b.disabled = false;
  }
}

async function submitForm(form: HTMLFormElement): Promise<void> {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  let url = form.dataset.apiForm!;
  const body: Record<string, unknown> = {};
  for (
    const field of form.querySelectorAll<HTMLInputElement>(
      "input[name], select[name], textarea[name]",
    )
  ) {
    const value = field.value.trim();
    const placeholder = `{${field.name}}`;
    if (url.includes(placeholder)) {
      url = url.replace(placeholder, encodeURIComponent(value));
    } else if (value !== "") {
      body[field.name] = field.type === "number" ? Number(value) : value;
    }
  }
  const submit = form.querySelector<HTMLButtonElement>("button[type=submit]");
  if (submit) submit.disabled = true;
  try {
    const answer = await api(form.dataset.method ?? "POST", url, body) as Record<string, unknown>;
    form.reset();
    if (form.dataset.then === "secret" && typeof answer?.token === "string") {
      await showSecret(
        "Token created",
        "This is the only time the token is shown: copy it now. The hub keeps only its hash.",
        answer.token,
      );
    }
    showNotice(form.dataset.done ?? "Done");
    await refreshRegions();
  } catch (error) {
    const field = error instanceof ApiError && error.field
      ? form.querySelector(`[name="${CSS.escape(error.field)}"]`)
      : null;
    if (field) {
      const note = document.createElement("span");
      note.className = "field-error";
      note.textContent = messageOf(error);
      field.after(note);
    }
    showNotice(messageOf(error), "error");
  } finally {
    if (submit) submit.disabled = false;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.status} ${error.code})`;
  return String(error);
}
