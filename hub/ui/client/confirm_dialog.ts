/// <reference lib="dom" />
/**
 * The confirmation before an action: a native `<dialog>` that says what
 * will happen, with a reason field when the action takes one. Built with
 * DOM calls and `textContent` only, so nothing in a message is markup.
 */

/** What to ask. */
export interface ConfirmOptions {
  title: string;
  /** What will happen, in a sentence or two. */
  message: string;
  /** `required`: no confirming without a reason; `optional`: may be left empty. */
  reason?: "required" | "optional" | null;
  confirmLabel?: string;
  danger?: boolean;
}

/** Resolves with the reason given ("" when none) once confirmed, or null when cancelled. */
export function confirmAction(o: ConfirmOptions): Promise<{ reason: string } | null> {
  const dialog = document.createElement("dialog");
  dialog.className = "confirm";
  const form = document.createElement("form");
  form.method = "dialog";
  const h = el("h2", o.title);
  const p = el("p", o.message);
  form.append(h, p);
  let reason: HTMLTextAreaElement | undefined;
  if (o.reason) {
    const label = el("label", o.reason === "required" ? "Reason (required)" : "Reason (optional)");
    reason = document.createElement("textarea");
    reason.name = "reason";
    reason.rows = 2;
    reason.maxLength = 1_000;
    reason.required = o.reason === "required";
    label.append(reason);
    form.append(label);
  }
  const buttons = el("div", "");
  buttons.className = "dialog-buttons";
  const cancel = el("button", "Cancel") as HTMLButtonElement;
  cancel.type = "button";
  cancel.className = "btn";
  const ok = el("button", o.confirmLabel ?? "Confirm") as HTMLButtonElement;
  ok.type = "submit";
  ok.value = "ok";
  ok.className = o.danger ? "btn danger" : "btn primary";
  buttons.append(cancel, ok);
  form.append(buttons);
  dialog.append(form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    let result: { reason: string } | null = null;
    cancel.onclick = () => dialog.close();
    form.onsubmit = () => {
      result = { reason: reason?.value.trim() ?? "" };
    };
    dialog.onclose = () => {
      dialog.remove();
      resolve(result);
    };
    dialog.showModal();
    (reason ?? ok).focus();
  });
}

/** Shows a secret once (a new token), with a copy button; resolves when closed. */
export function showSecret(title: string, message: string, secret: string): Promise<void> {
  const dialog = document.createElement("dialog");
  dialog.className = "confirm";
  const form = document.createElement("form");
  form.method = "dialog";
  const code = el("pre", secret);
  code.className = "secret";
  const copy = el("button", "Copy") as HTMLButtonElement;
  copy.type = "button";
  copy.className = "btn";
  copy.onclick = () =>
    navigator.clipboard?.writeText(secret).then(() => copy.textContent = "Copied");
  const done = el("button", "Done") as HTMLButtonElement;
  done.className = "btn primary";
  const buttons = el("div", "");
  buttons.className = "dialog-buttons";
  buttons.append(copy, done);
  form.append(el("h2", title), el("p", message), code, buttons);
  dialog.append(form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.onclose = () => {
      dialog.remove();
      resolve();
    };
    dialog.showModal();
  });
}

function el(tag: string, text: string): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}
