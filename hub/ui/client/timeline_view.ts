/// <reference lib="dom" />
/**
 * The run page's timeline: `mountTimeline(el)` on an element with
 * `data-run-id` fetches `GET /api/runs/{id}/timeline` and draws a Gantt
 * chart of attempts, one row per worker, rows grouped under their region,
 * bars classed by outcome (`outcome-done`, `outcome-failed`, …,
 * `outcome-running`), each with a `<title>` tooltip. While the run runs it
 * fetches again every few seconds, and at once when the run's graph says
 * the run changed state (a `run:state` event on the document).
 */
// First: zod must be jitless before any schema module is evaluated (CSP: no eval).
import "./jitless_zod.ts";
import {
  type RunTimeline,
  runTimelineSchema,
  type TimelineAttempt,
} from "../../../shared/api_schemas_graph.ts";
import { svgElement, svgText } from "./svg_element.ts";

/** A mounted timeline. */
export interface TimelineHandle {
  refresh(): Promise<void>;
  close(): void;
}

const LABEL_WIDTH = 170;
const CHART_WIDTH = 900;
const ROW = 18;
const AXIS = 22;
const REFRESH_MS = 5_000;

/** Draws run `el.dataset.runId`'s attempts into `el`. */
export function mountTimeline(el: HTMLElement): TimelineHandle {
  const runId = el.dataset.runId;
  if (!runId) throw new TypeError("mountTimeline() needs an element with data-run-id");
  el.classList.add("timeline-view");
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const refresh = async () => {
    clearTimeout(timer);
    try {
      const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/timeline`, {
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      if (!res.ok) throw new Error(`GET timeline answered ${res.status}`);
      const timeline = runTimelineSchema.parse(await res.json());
      if (closed) return;
      el.replaceChildren(drawTimeline(timeline));
      el.dispatchEvent(new CustomEvent("timeline:rendered"));
      if (timeline.runState === "running" || timeline.attempts.some((a) => a.endedAt === null)) {
        timer = setTimeout(refresh, REFRESH_MS);
      }
    } catch (error) {
      const p = document.createElement("p");
      p.className = "timeline-error";
      p.textContent = `Could not load the timeline: ${(error as Error).message}`;
      el.replaceChildren(p);
    }
  };
  const onRunState = (e: Event) => {
    if ((e as CustomEvent<{ runId?: string }>).detail?.runId === runId) void refresh();
  };
  document.addEventListener("run:state", onRunState);
  refresh();
  return {
    refresh,
    close() {
      closed = true;
      clearTimeout(timer);
      document.removeEventListener("run:state", onRunState);
    },
  };
}

/** The chart of `timeline` as one SVG element. */
export function drawTimeline(timeline: RunTimeline): Element {
  if (timeline.attempts.length === 0) {
    const p = document.createElement("p");
    p.className = "timeline-empty";
    p.textContent = "No attempts yet.";
    return p;
  }
  const regions = rowsByRegion(timeline.attempts);
  const start = Math.min(...timeline.attempts.map((a) => a.startedAt));
  const end = Math.max(start + 1, ...timeline.attempts.map((a) => a.endedAt ?? timeline.now));
  const scale = CHART_WIDTH / (end - start);
  const rows = regions.reduce((n, r) => n + 1 + r.workers.length, 0);
  const width = LABEL_WIDTH + CHART_WIDTH + 10;
  const height = AXIS + rows * ROW + 4;
  const svg = svgElement("svg", {
    class: "timeline-svg",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": "Attempts by worker and region",
  });
  drawAxis(svg, start, end, scale);
  if (timeline.truncated) {
    svgText("text", "(older attempts left out)", { class: "timeline-note", x: 0, y: 12 }, svg);
  }
  let y = AXIS;
  for (const region of regions) {
    svgText("text", region.name ?? "(no region)", {
      class: "timeline-region",
      x: 0,
      y: y + ROW - 5,
    }, svg);
    y += ROW;
    for (const worker of region.workers) {
      const row = svgElement("g", { class: "timeline-row", "data-worker-id": worker.id }, svg);
      svgElement("rect", {
        class: "timeline-lane",
        x: LABEL_WIDTH,
        y,
        width: CHART_WIDTH,
        height: ROW,
      }, row);
      svgText("text", worker.name, { class: "timeline-worker", x: 10, y: y + ROW - 5 }, row);
      for (const a of worker.attempts) {
        const x = LABEL_WIDTH + (a.startedAt - start) * scale;
        const w = Math.max(1, ((a.endedAt ?? timeline.now) - a.startedAt) * scale);
        const outcome = a.endedAt === null ? "running" : (a.outcome ?? "unknown");
        const bar = svgElement("rect", {
          class: `timeline-bar outcome-${outcome.replace(/[^a-z]/g, "")}`,
          x: x.toFixed(1),
          y: y + 3,
          width: w.toFixed(1),
          height: ROW - 6,
          "data-task-id": a.taskId,
        }, row);
        const seconds = (((a.endedAt ?? timeline.now) - a.startedAt) / 1000).toFixed(1);
        svgText(
          "title",
          `${a.taskId}\n${a.kind} attempt ${a.attempt} on ${worker.name}: ${outcome}, ${seconds} s`,
          {},
          bar,
        );
      }
      y += ROW;
    }
  }
  return svg;
}

interface WorkerRow {
  id: string;
  name: string;
  attempts: TimelineAttempt[];
}

/** Workers by region (regions and workers in name order; no region last). */
function rowsByRegion(attempts: readonly TimelineAttempt[]) {
  const regions = new Map<string | null, Map<string, WorkerRow>>();
  for (const a of attempts) {
    const workers = regions.get(a.region) ?? new Map<string, WorkerRow>();
    regions.set(a.region, workers);
    const row = workers.get(a.workerId) ??
      { id: a.workerId, name: a.workerName ?? a.workerId, attempts: [] };
    workers.set(a.workerId, row);
    row.attempts.push(a);
  }
  return [...regions.entries()]
    .sort(([a], [b]) => a === null ? 1 : b === null ? -1 : a.localeCompare(b))
    .map(([name, workers]) => ({
      name,
      workers: [...workers.values()].sort((a, b) => a.name.localeCompare(b.name)),
    }));
}

function drawAxis(svg: SVGSVGElement, start: number, end: number, scale: number): void {
  const axis = svgElement("g", { class: "timeline-axis" }, svg);
  const span = end - start;
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].map((s) => s * 1000)
    .find((s) => span / s <= 8) ?? 7_200_000;
  for (let t = 0; t <= span; t += step) {
    const x = LABEL_WIDTH + t * scale;
    svgElement("line", { class: "timeline-tick", x1: x, x2: x, y1: AXIS - 4, y2: "100%" }, axis);
    const label = step >= 60_000 ? `${Math.round(t / 60_000)} min` : `${Math.round(t / 1000)} s`;
    svgText("text", label, { class: "timeline-tick-label", x: x + 2, y: AXIS - 6 }, axis);
  }
}
