/// <reference lib="dom" />
/** A short message at the bottom of the page: what an action did, or why it failed. */

let timer: ReturnType<typeof setTimeout> | undefined;

/** Shows `text` for a few seconds (errors stay until dismissed by the next notice). */
export function showNotice(text: string, kind: "ok" | "error" = "ok"): void {
  const box = document.getElementById("notice");
  if (!box) return;
  box.textContent = text;
  box.className = `notice notice-${kind}`;
  box.hidden = false;
  clearTimeout(timer);
  if (kind === "ok") timer = setTimeout(() => (box.hidden = true), 4_000);
  else box.onclick = () => (box.hidden = true);
}
