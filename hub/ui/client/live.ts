/// <reference lib="dom" />
/**
 * Live pages. Regions marked `data-live` (with an `id`) are re-read from
 * the server and swapped in place: after an action, and — when they name
 * event kinds, e.g. `data-live="worker.*"` — whenever such an event arrives
 * on `GET /api/events` (cookie-authenticated, so `EventSource` works),
 * only those of one run or task when a region says `data-live-run` or
 * `data-live-task`.
 * The new markup comes from the hub's own rendering (escaped there) and is
 * parsed by `DOMParser`, whose scripts never run.
 */
import { EVENT_KINDS } from "./event_kinds.ts";

/** Listens to hub events of `kinds` (`worker.*`, `run.state`…); returns a stop function. */
export function liveEvents(
  query: { kind?: string; run?: string; task?: string },
  onEvent: (kind: string, data: unknown) => void,
): () => void {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const source = new EventSource(`/api/events?${params}`);
  const kinds = (query.kind ?? "").split(",").filter(Boolean);
  const handler = (e: MessageEvent) => onEvent(e.type, safeParse(e.data));
  // SSE events carry their kind as the event name.
  for (const kind of kinds.length ? expand(kinds) : ["message"]) {
    source.addEventListener(kind, handler as EventListener);
  }
  return () => source.close();
}

function expand(kinds: string[]): string[] {
  return EVENT_KINDS.filter((k) =>
    kinds.some((p) => p === k || p.endsWith("*") && k.startsWith(p.slice(0, -1)))
  );
}

/** Re-reads the page and swaps every `data-live` region. */
export async function refreshRegions(): Promise<void> {
  const regions = [...document.querySelectorAll<HTMLElement>("[data-live][id]")];
  if (regions.length === 0) {
    location.reload();
    return;
  }
  const response = await fetch(location.href, { credentials: "same-origin" });
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const region of regions) {
    const fresh = doc.getElementById(region.id);
    if (fresh) region.replaceWith(document.importNode(fresh, true));
  }
}

/**
 * Subscribes the page's live regions to the event kinds they name. A
 * refresh waits 500 ms after the first event, or twice as long as the last
 * refresh took if that is longer: a page that is slow to render (a run of
 * 10,000 tasks) is re-read less often instead of keeping the hub busy.
 */
export function wireLiveRegions(): void {
  const kinds = new Set<string>();
  for (const region of document.querySelectorAll<HTMLElement>("[data-live][id]")) {
    for (const k of (region.dataset.live ?? "").split(",")) if (k.trim()) kinds.add(k.trim());
  }
  if (kinds.size === 0) return;
  // A page about one run or task (`data-live-run`, `data-live-task`) hears only its events.
  const scoped = document.querySelector<HTMLElement>("[data-live-run], [data-live-task]");
  const run = scoped?.dataset.liveRun;
  const task = scoped?.dataset.liveTask;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let refreshing = false;
  let missed = false;
  let lastMs = 0;
  const schedule = () => {
    timer ??= setTimeout(refresh, Math.max(500, 2 * lastMs));
  };
  const refresh = async () => {
    timer = undefined;
    refreshing = true;
    const start = performance.now();
    try {
      await refreshRegions();
    } finally {
      lastMs = performance.now() - start;
      refreshing = false;
      // An event during the read may not be in it: read again.
      if (missed) {
        missed = false;
        schedule();
      }
    }
  };
  liveEvents({ kind: [...kinds].join(","), run, task }, () => {
    if (refreshing) missed = true;
    else schedule();
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
