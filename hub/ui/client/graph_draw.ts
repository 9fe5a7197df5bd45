/// <reference lib="dom" />
/**
 * Draws a laid-out run graph as SVG: a box per node coloured by its state
 * class (`state-done`…), a group's stacked bar of counts per state, edges
 * as paths with arrowheads. Every text comes from data and is set as text.
 */
import type { GraphNode, RunGraph } from "../../../shared/api_schemas_graph.ts";
import { TASK_STATES, type TaskState } from "../../../shared/states.ts";
import { svgElement, svgText } from "./svg_element.ts";

/** A drawn node, and what changes when its tasks change state. */
export interface NodeView {
  node: GraphNode;
  el: SVGGElement;
  title: SVGTitleElement;
  /** Task: its state. Group and more: tasks per state. */
  state: TaskState | null;
  counts: Record<TaskState, number>;
  /** Group and more: the bar and the label that show the counts. */
  bar: SVGGElement | null;
  label: SVGTextElement;
}

const BAR_HEIGHT = 8;
const PAD = 8;

/** Draws `graph` into `layer` (emptied first); returns the nodes drawn, by id. */
export function drawGraph(graph: RunGraph, layer: SVGGElement): Map<string, NodeView> {
  layer.replaceChildren();
  const defs = svgElement("defs", {}, layer);
  const marker = svgElement("marker", {
    id: "graph-arrow",
    viewBox: "0 0 10 10",
    refX: 10,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  }, defs);
  svgElement("path", { d: "M0,0 L10,5 L0,10 z", class: "edge-arrow" }, marker);
  const edges = svgElement("g", { class: "graph-edges" }, layer);
  for (const e of graph.edges) {
    if (e.points.length < 2) continue;
    const d = e.points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x},${p.y}`).join(" ");
    const path = svgElement("path", {
      d,
      class: e.count > 1 ? "edge edge-many" : "edge",
      "marker-end": "url(#graph-arrow)",
    }, edges);
    if (e.count > 1) svgText("title", `${e.count} requirements`, {}, path);
  }
  const nodes = svgElement("g", { class: "graph-nodes" }, layer);
  const views = new Map<string, NodeView>();
  for (const node of graph.nodes) views.set(node.id, drawNode(node, nodes));
  return views;
}

function drawNode(node: GraphNode, parent: SVGGElement): NodeView {
  const el = svgElement("g", {
    class: `node node-${node.kind}`,
    "data-node-id": node.id,
    "data-kind": node.kind,
    transform: `translate(${node.x - node.width / 2},${node.y - node.height / 2})`,
    tabindex: node.kind === "more" ? undefined : 0,
    role: node.kind === "task" ? "link" : node.kind === "group" ? "button" : undefined,
  }, parent);
  const title = svgText("title", "", {}, el);
  svgElement("rect", { class: "node-box", width: node.width, height: node.height, rx: 5 }, el);
  svgText("text", node.family, { class: "node-family", x: PAD, y: 17 }, el);
  const label = svgText("text", node.label, { class: "node-label", x: PAD, y: 34 }, el);
  const bar = node.kind === "task" ? null : svgElement("g", {
    class: "node-bar",
    transform: `translate(${PAD},${node.height - BAR_HEIGHT - 7})`,
  }, el);
  const counts = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  for (const [s, n] of Object.entries(node.counts ?? {}) as [TaskState, number][]) counts[s] = n;
  const view: NodeView = { node, el, title, state: node.state, counts, bar, label };
  if (node.kind === "task") paintState(view, node.state ?? "ready");
  else paintCounts(view);
  return view;
}

/** Shows task node `view` in `state`. */
export function paintState(view: NodeView, state: TaskState): void {
  view.state = state;
  view.el.setAttribute("class", `node node-task state-${state}`);
  view.el.setAttribute("data-state", state);
  view.title.textContent = `${view.node.id}\n${state} (open the task)`;
}

/** Redraws the counts of group or more node `view`: its stacked bar, label and tooltip. */
export function paintCounts(view: NodeView): void {
  const bar = view.bar;
  if (!bar) return;
  const width = view.node.width - 2 * PAD;
  const total = TASK_STATES.reduce((n, s) => n + view.counts[s], 0);
  bar.replaceChildren();
  svgElement("rect", { class: "bar-track", width, height: BAR_HEIGHT }, bar);
  let x = 0;
  for (const s of TASK_STATES) {
    const n = view.counts[s];
    if (n === 0 || total === 0) continue;
    const w = (n / total) * width;
    svgElement("rect", {
      class: `bar-seg state-${s}`,
      x: x.toFixed(2),
      width: w.toFixed(2),
      height: BAR_HEIGHT,
    }, bar);
    x += w;
  }
  const done = view.counts.done;
  const failed = view.counts.failed;
  view.label.textContent = `${view.node.kind === "more" ? "+" : ""}${total} tasks · ${done} done` +
    (failed > 0 ? ` · ${failed} failed` : "");
  view.el.setAttribute("data-done", String(done));
  view.title.textContent = `${view.node.family}: ${total} tasks\n` +
    TASK_STATES.filter((s) => view.counts[s] > 0).map((s) => `${s}: ${view.counts[s]}`).join("\n") +
    (view.node.kind === "group" ? "\n(click to expand)" : "");
}

/** A count change for a group or more node; false when `from` was not counted there. */
export function moveCount(view: NodeView, from: TaskState, to: TaskState): boolean {
  if (view.counts[from] <= 0) return false;
  view.counts[from]--;
  view.counts[to]++;
  return true;
}
