import assert from "node:assert/strict";
import type { TaskState } from "../../../shared/states.ts";
import type { RunGraphRows } from "../../queries/run_graph_rows.ts";
import { depthsFrom, type GroupedGraph, groupGraph } from "./group_graph.ts";

type Task = RunGraphRows["tasks"][number];

function task(id: string, family: string, state: TaskState = "ready"): Task {
  return { id, family, state };
}

/** A root requiring `mids` Mid tasks, each requiring `leaves` Leaf tasks. */
function tree(mids: number, leaves: number): RunGraphRows {
  const tasks = [task("root", "Root", "waiting")];
  const edges: Array<[string, string]> = [];
  for (let m = 0; m < mids; m++) {
    tasks.push(task(`mid${m}`, "Mid", "waiting"));
    edges.push(["root", `mid${m}`]);
    for (let l = 0; l < leaves; l++) {
      const id = `leaf${m}_${l}`;
      tasks.push(task(id, "Leaf", l % 3 === 0 ? "done" : "ready"));
      edges.push([`mid${m}`, id]);
    }
  }
  return { runId: "run", rootTaskId: "root", version: 5, tasks, edges };
}

function sizes(graph: GroupedGraph): number {
  return graph.nodes.reduce((n, node) => n + node.size, 0);
}

function countsTotal(graph: GroupedGraph): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of graph.nodes) {
    const counts = n.counts ?? { [n.state!]: 1 };
    for (const [state, k] of Object.entries(counts)) out[state] = (out[state] ?? 0) + (k ?? 0);
  }
  return out;
}

Deno.test("groupGraph() draws a small run task by task", () => {
  const graph = groupGraph(tree(2, 2));
  assert.equal(graph.nodes.length, 7);
  assert.ok(graph.nodes.every((n) => n.kind === "task"));
  assert.deepEqual(graph.nodes.map((n) => n.depth), [0, 1, 1, 2, 2, 2, 2]);
  assert.equal(graph.edges.length, 6);
  assert.ok(graph.edges.every((e) => e.count === 1));
  assert.deepEqual(graph.edges.find((e) => e.to === "root"), {
    from: "mid0",
    to: "root",
    count: 1,
  });
});

Deno.test("groupGraph() collapses 10,000 tasks into a few groups whose counts sum to the totals", () => {
  const rows = tree(100, 100);
  const graph = groupGraph(rows);
  assert.deepEqual(graph.nodes.map((n) => [n.id, n.kind, n.size]), [
    ["root", "task", 1],
    ["g:Mid:1", "group", 100],
    ["g:Leaf:2", "group", 10_000],
  ]);
  assert.equal(sizes(graph), rows.tasks.length);
  const leaves = graph.nodes.find((n) => n.id === "g:Leaf:2")!;
  assert.deepEqual(leaves.counts, { done: 3_400, ready: 6_600 });
  assert.equal(leaves.label, "10000 tasks");
  assert.deepEqual(countsTotal(graph), { waiting: 101, done: 3_400, ready: 6_600 });
  assert.deepEqual(graph.edges, [
    { from: "g:Mid:1", to: "root", count: 100 },
    { from: "g:Leaf:2", to: "g:Mid:1", count: 10_000 },
  ]);
});

Deno.test("an expanded group draws its first members, failed ones first, and one more node", () => {
  const rows = tree(100, 100);
  rows.tasks.find((t) => t.id === "leaf99_98")!.state = "failed";
  const graph = groupGraph(rows, { expand: new Set(["g:Leaf:2", "g:Nope:9"]), pageSize: 50 });
  assert.deepEqual(graph.expanded, ["g:Leaf:2"]);
  const members = graph.nodes.filter((n) => n.group === "g:Leaf:2");
  assert.equal(members.length, 51);
  assert.equal(members[0]!.id, "leaf99_98");
  assert.equal(members[0]!.state, "failed");
  const more = members.at(-1)!;
  assert.deepEqual([more.id, more.kind, more.size, more.label], [
    "m:Leaf:2",
    "more",
    9_950,
    "+9950 more",
  ]);
  assert.equal(graph.nodes.length, 2 + 51);
  assert.equal(sizes(graph), rows.tasks.length);
  assert.deepEqual(countsTotal(graph), { waiting: 101, done: 3_400, ready: 6_599, failed: 1 });
  assert.equal(graph.edges.find((e) => e.from === "m:Leaf:2")?.count, 9_950);
  assert.deepEqual(graph.edges.find((e) => e.from === "leaf99_98"), {
    from: "leaf99_98",
    to: "g:Mid:1",
    count: 1,
  });
  assert.equal(graph.edges.reduce((n, e) => n + e.count, 0), rows.edges.length);
});

Deno.test("many small families are collapsed, largest first, until at most maxNodes show", () => {
  const tasks = [task("root", "Root")];
  const edges: Array<[string, string]> = [];
  for (let f = 0; f < 250; f++) {
    for (let i = 0; i < 5 + (f % 3); i++) {
      tasks.push(task(`F${f}_${i}`, `F${f}`));
      edges.push(["root", `F${f}_${i}`]);
    }
  }
  const rows = { runId: "run", rootTaskId: "root", version: 0, tasks, edges };
  const graph = groupGraph(rows, { maxNodes: 300 });
  assert.ok(graph.nodes.length <= 300, `${graph.nodes.length} nodes`);
  assert.ok(graph.nodes.length > 250, "it stops collapsing once under the bound");
  assert.equal(sizes(graph), tasks.length);
  const largest = graph.nodes.filter((n) => Number(n.family.slice(1)) % 3 === 2);
  assert.ok(largest.every((n) => n.kind === "group" && n.size === 7), "largest first");
});

Deno.test("a long chain merges depths into bands until the graph is small enough", () => {
  const tasks = Array.from({ length: 1_000 }, (_, i) => task(`c${i}`, "Chain", "done"));
  const edges = tasks.slice(1).map((t, i): [string, string] => [`c${i}`, t.id]);
  const rows = { runId: "run", rootTaskId: "c0", version: 0, tasks, edges };
  assert.equal(depthsFrom(rows).get("c999"), 999);
  const graph = groupGraph(rows, { maxNodes: 300 });
  assert.ok(graph.nodes.length <= 300, `${graph.nodes.length} nodes`);
  assert.equal(graph.nodes[0]!.id, "c0", "the root stays a task");
  assert.equal(graph.nodes[1]!.id, "g:Chain:0-3");
  assert.equal(sizes(graph), 1_000);
  assert.equal(graph.edges.length, graph.nodes.length - 1, "still a chain");
});

Deno.test("depth is the fewest edges from the root, and edges inside a node are not drawn", () => {
  // root → a → b, root → b: b is at depth 1, beside a; a → b joins two tasks of one group.
  const tasks = [task("root", "R"), ...Array.from({ length: 14 }, (_, i) => task(`x${i}`, "X"))];
  const edges: Array<[string, string]> = tasks.slice(1).map((t) => ["root", t.id]);
  edges.push(["x0", "x1"]);
  const graph = groupGraph({ runId: "run", rootTaskId: "root", version: 0, tasks, edges });
  assert.deepEqual(graph.nodes.map((n) => n.id), ["root", "g:X:1"]);
  assert.deepEqual(graph.edges, [{ from: "g:X:1", to: "root", count: 14 }]);
});
