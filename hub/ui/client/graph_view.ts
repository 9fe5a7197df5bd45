/// <reference lib="dom" />
/**
 * The run page's task graph: `mountGraph(el)` on an element with
 * `data-run-id` fetches `GET /api/runs/{id}/graph`, draws it (pan with a
 * drag, zoom with the wheel, "Fit" shows it whole), and keeps it live from
 * the run's event stream: node states and group counts change in place,
 * batched into one DOM update per animation frame; new tasks (expansions)
 * re-fetch the layout, debounced. A task node opens `/ui/tasks/{id}`; a
 * group node expands.
 *
 * Events after the graph's `version` are kept until the next layout is
 * drawn and applied again on top of it, so a re-fetch neither loses a change
 * nor counts one twice. The element receives `graph:rendered` after each
 * layout is drawn and `graph:updated` (detail `{ nodes }`) after each batch.
 */
// First: zod must be jitless before any schema module is evaluated (CSP: no eval).
import "./jitless_zod.ts";
import { type RunGraph, runGraphSchema } from "../../../shared/api_schemas_graph.ts";
import { drawGraph, moveCount, type NodeView, paintCounts, paintState } from "./graph_draw.ts";
import { openGraphFeed, type TaskChange } from "./graph_feed.ts";
import { PanZoom } from "./pan_zoom.ts";
import { svgElement } from "./svg_element.ts";

/** A mounted graph. */
export interface GraphHandle {
  /** Fetches and draws the layout again. */
  refresh(): Promise<void>;
  /** Stops following events. */
  close(): void;
}

/** Most groups expanded at once (the API's limit). */
const MAX_EXPANDED = 20;
/** A layout re-fetch waits this long for more changes, and comes at most this often. */
const RELOAD_DEBOUNCE_MS = 800;
const RELOAD_EVERY_MS = 2_000;
/** Changes kept for the next layout; past this, the next layout starts from its own snapshot. */
const MAX_BUFFER = 100_000;

/** Draws run `el.dataset.runId`'s graph into `el` and keeps it live. */
export function mountGraph(el: HTMLElement): GraphHandle {
  const runId = el.dataset.runId;
  if (!runId) throw new TypeError("mountGraph() needs an element with data-run-id");
  const toolbar = document.createElement("div");
  toolbar.className = "graph-toolbar";
  const fitButton = button(toolbar, "Fit", "graph-fit");
  const collapseButton = button(toolbar, "Collapse groups", "graph-collapse");
  const status = document.createElement("span");
  status.className = "graph-status";
  status.setAttribute("role", "status");
  toolbar.append(status);
  const svg = svgElement("svg", { class: "graph-svg", "aria-label": `Task graph of ${runId}` });
  const content = svgElement("g", { class: "graph-viewport" }, svg);
  el.replaceChildren(toolbar, svg);
  el.classList.add("graph-view");
  const panZoom = new PanZoom(svg, content);

  const expanded = new Set<string>();
  let graph: RunGraph | null = null;
  let views = new Map<string, NodeView>();
  let byFamily = new Map<string, NodeView[]>();
  let buffer: TaskChange[] = [];
  const dirty = new Set<NodeView>();
  let frame = 0;
  let feed: EventSource | null = null;
  let closed = false;
  let loading: Promise<void> | null = null;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  let lastLoad = 0;
  let runState = "";
  /** The next layout is shown whole: the user expanded or collapsed groups. */
  let refit = false;

  const setStatus = () => {
    const live = feed?.readyState === EventSource.OPEN
      ? "live"
      : feed?.readyState === EventSource.CONNECTING
      ? "connecting…"
      : "not live";
    status.textContent = graph
      ? `${graph.total} tasks${runState ? ` · run ${runState}` : ""} · ${live}`
      : "Loading…";
  };

  const load = async () => {
    lastLoad = performance.now();
    const query = expanded.size > 0 ? `?expand=${encodeURIComponent([...expanded].join(","))}` : "";
    const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/graph${query}`, {
      headers: { accept: "application/json" },
      credentials: "same-origin",
    });
    if (!res.ok) throw new Error(`GET graph answered ${res.status}`);
    const next = runGraphSchema.parse(await res.json());
    if (closed) return;
    const first = graph === null;
    graph = next;
    expanded.clear();
    for (const id of next.expanded) expanded.add(id);
    collapseButton.hidden = expanded.size === 0;
    views = drawGraph(next, content);
    byFamily = new Map();
    for (const view of views.values()) {
      if (view.node.kind === "task") continue;
      const list = byFamily.get(view.node.family) ?? [];
      list.push(view);
      byFamily.set(view.node.family, list);
    }
    dirty.clear();
    buffer = buffer.filter((c) => c.id > next.version);
    for (const change of buffer) apply(change);
    paint();
    // A small graph gets a canvas its size instead of most of the screen.
    svg.classList.toggle("graph-svg-short", next.height < 280);
    if (first || refit) panZoom.fit(next.width, next.height);
    refit = false;
    if (first) {
      feed = openGraphFeed(runId, next.version, {
        change: (c) => {
          if (!graph || c.id <= graph.version) return;
          if (buffer.length >= MAX_BUFFER) buffer.shift();
          buffer.push(c);
          apply(c);
          if (!frame) frame = requestAnimationFrame(paint);
        },
        created: (id) => {
          if (graph && id > graph.version) scheduleReload();
        },
        run: (to) => {
          runState = to;
          el.dataset.runState = to;
          setStatus();
          // The timeline (and anything else about this run) redraws at once.
          el.dispatchEvent(new CustomEvent("run:state", { bubbles: true, detail: { runId, to } }));
        },
        gap: () => {
          buffer = [];
          scheduleReload();
        },
      });
      feed.addEventListener("open", setStatus);
      feed.addEventListener("error", setStatus);
    }
    el.dataset.graphVersion = String(next.version);
    setStatus();
    el.dispatchEvent(new CustomEvent("graph:rendered", { detail: { nodes: views.size } }));
  };

  /** Applies one change to the model; painted by the next frame. */
  const apply = (c: TaskChange) => {
    const view = views.get(c.taskId);
    if (view?.node.kind === "task") {
      view.state = c.to;
      dirty.add(view);
      return;
    }
    // Not drawn one by one: it is in its family's group (or more node), if there is one.
    const holders = byFamily.get(c.family) ?? [];
    if (holders.length === 1 && moveCount(holders[0]!, c.from, c.to)) dirty.add(holders[0]!);
    else scheduleReload();
  };

  const paint = () => {
    frame = 0;
    if (dirty.size === 0) return;
    const nodes = dirty.size;
    for (const view of dirty) {
      if (view.node.kind === "task") paintState(view, view.state ?? "ready");
      else paintCounts(view);
    }
    dirty.clear();
    el.dispatchEvent(new CustomEvent("graph:updated", { detail: { nodes } }));
  };

  const reload = () => {
    if (closed) return Promise.resolve();
    loading ??= load().catch(showError).finally(() => loading = null);
    return loading;
  };

  const scheduleReload = () => {
    if (reloadTimer) return;
    const wait = Math.max(RELOAD_DEBOUNCE_MS, lastLoad + RELOAD_EVERY_MS - performance.now());
    reloadTimer = setTimeout(() => {
      reloadTimer = undefined;
      if (loading) loading.then(scheduleReload);
      else reload();
    }, wait);
  };

  const showError = (error: unknown) => {
    status.textContent = `Could not load the graph: ${(error as Error).message}`;
    el.dataset.graphError = "true";
  };

  const open = (target: EventTarget | null) => {
    const nodeEl = target instanceof Element ? target.closest("[data-node-id]") : null;
    const id = nodeEl?.getAttribute("data-node-id");
    const view = id ? views.get(id) : undefined;
    if (!view) return;
    if (view.node.kind === "task") {
      location.assign(`/ui/tasks/${encodeURIComponent(view.node.id)}`);
    } else if (view.node.kind === "group") {
      expanded.add(view.node.id);
      while (expanded.size > MAX_EXPANDED) expanded.delete(expanded.values().next().value!);
      status.textContent = "Expanding…";
      refit = true;
      reload();
    }
  };
  svg.addEventListener("click", (e) => {
    if (!panZoom.moved()) open(e.target);
  });
  svg.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open(e.target);
    }
  });
  fitButton.addEventListener("click", () => graph && panZoom.fit(graph.width, graph.height));
  collapseButton.addEventListener("click", () => {
    expanded.clear();
    refit = true;
    reload();
  });

  setStatus();
  reload();
  return {
    refresh: reload,
    close() {
      closed = true;
      feed?.close();
      clearTimeout(reloadTimer);
      cancelAnimationFrame(frame);
    },
  };
}

function button(parent: HTMLElement, text: string, className: string): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  parent.append(b);
  return b;
}
