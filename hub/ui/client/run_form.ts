/// <reference lib="dom" />
/**
 * The Run form (`form[data-run-form]`, see `run_form/run_form.tsx`): its
 * typed inputs become the body of `POST /api/runs`; a problem naming a
 * `field` (`params.runDate`) is shown next to that input; a submitted run
 * opens its page.
 */
import { api, ApiError } from "./api.ts";
import { showNotice } from "./notice.ts";
import { inputForField, readParam, readPlacement } from "./param_values.ts";

type Input = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Wires the Run form, if the page has one. */
export function wireRunForm(): void {
  const form = document.querySelector<HTMLFormElement>("form[data-run-form]");
  if (!form) return;
  const placement = input(form, "placement");
  const showPlacement = () => {
    for (const el of form.querySelectorAll<HTMLElement>("[data-when]")) {
      el.hidden = !(el.dataset.when ?? "").split(" ").includes(placement?.value ?? "");
    }
  };
  placement?.addEventListener("change", showPlacement);
  showPlacement();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void submit(form);
  });
}

async function submit(form: HTMLFormElement): Promise<void> {
  clearErrors(form);
  const value = (name: string) => input(form, name)?.value ?? "";
  const params: Record<string, unknown> = {};
  let invalid = false;
  for (const el of form.querySelectorAll<Input>("[name^='params.'][data-kind]")) {
    const checked = el instanceof HTMLInputElement && el.checked;
    const read = readParam(el.dataset.kind ?? "text", el.value, el.dataset.item, checked);
    if ("error" in read) {
      fieldError(form, el.name, read.error);
      invalid = true;
    } else if ("value" in read) params[el.name.slice("params.".length)] = read.value;
  }
  const body: Record<string, unknown> = { family: form.dataset.runForm, params };
  const placement = readPlacement(
    value("placement"),
    value("placement.rows"),
    value("prefer.spillAfterMs"),
  );
  if ("error" in placement) {
    fieldError(form, placement.field, placement.error);
    invalid = true;
  } else Object.assign(body, placement);
  const priority = value("priority").trim();
  if (priority !== "") body.priority = Number(priority);
  if (invalid) return;
  const button = form.querySelector<HTMLButtonElement>("button[type=submit]");
  if (button) button.disabled = true;
  try {
    const answer = await api("POST", "/api/runs", body) as { runId: string };
    showNotice(`Run ${answer.runId} submitted`);
    location.assign(`/ui/runs/${encodeURIComponent(answer.runId)}`);
  } catch (error) {
    const message = error instanceof ApiError
      ? `${error.message} (${error.status} ${error.code})`
      : String(error);
    const names = [...form.querySelectorAll<Input>("[name]")].map((el) => el.name);
    const target = error instanceof ApiError && error.field
      ? inputForField(error.field, names)
      : null;
    if (target) fieldError(form, target, message);
    else formError(form, message);
    if (button) button.disabled = false;
  }
}

function input(form: HTMLFormElement, name: string): Input | null {
  return form.querySelector<Input>(`[name="${CSS.escape(name)}"]`);
}

function fieldError(form: HTMLFormElement, name: string, message: string): void {
  const el = input(form, name);
  if (!el) return formError(form, message);
  el.setAttribute("aria-invalid", "true");
  const note = document.createElement("span");
  note.className = "field-error";
  note.textContent = message;
  (el.closest(".field") ?? el.parentElement)?.append(note);
  el.focus();
}

function formError(form: HTMLFormElement, message: string): void {
  const box = form.querySelector<HTMLElement>("[data-form-error]");
  if (!box) return showNotice(message, "error");
  box.textContent = message;
  box.hidden = false;
}

function clearErrors(form: HTMLFormElement): void {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const box = form.querySelector<HTMLElement>("[data-form-error]");
  if (box) box.hidden = true;
}
