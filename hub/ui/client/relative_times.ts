/// <reference lib="dom" />
/** Keeps "5 min ago" true while a page stays open. */

/** Rewrites every `<time data-rel>` from its `datetime` every 15 s. */
export function tickRelativeTimes(): void {
  setInterval(() => {
    const now = Date.now();
    for (const t of document.querySelectorAll<HTMLTimeElement>("time[data-rel]")) {
      const at = Date.parse(t.dateTime);
      if (!Number.isNaN(at)) t.textContent = relative(now - at);
    }
  }, 15_000);
}

function relative(delta: number): string {
  const s = Math.abs(delta) / 1000;
  if (s < 2) return "just now";
  const text = s < 60
    ? `${Math.floor(s)} s`
    : s < 3_600
    ? `${Math.floor(s / 60)} min`
    : s < 86_400
    ? `${Math.floor(s / 3_600)} h`
    : `${Math.floor(s / 86_400)} d`;
  return delta >= 0 ? `${text} ago` : `in ${text}`;
}
