import assert from "node:assert/strict";
import { z } from "zod";
import { defineTask, LocalTarget, type TaskFamily } from "../shared/mod.ts";
import { type ExpandNode, expandNodeSchema } from "../shared/protocol.ts";
import { expandLocally } from "./expand.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "drover_expand_" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

// deno-lint-ignore no-explicit-any
function registry(...families: TaskFamily<any, any>[]): Map<string, TaskFamily> {
  return new Map(families.map((f) => [`${f.name}@${f.version}`, f as TaskFamily]));
}

function byId(nodes: ExpandNode[]): Map<string, ExpandNode> {
  return new Map(nodes.map((n) => [n.id, n]));
}

/** Extract(day) ← Transform(day) ← Report(days); Transform's output may already exist. */
function pipeline(dir: string, calls: string[]) {
  const Extract = defineTask({
    family: "Extract",
    params: z.object({ day: z.string() }),
    output: ({ day }) => new LocalTarget(`${dir}/extract/${day}.json`),
  });
  const Transform = defineTask({
    family: "Transform",
    params: z.object({ day: z.string() }),
    requires: ({ day }) => {
      calls.push(`Transform.requires(${day})`);
      return { raw: Extract.of({ day }) };
    },
    output: ({ day }) => new LocalTarget(`${dir}/transform/${day}.json`),
  });
  const Report = defineTask({
    family: "Report",
    params: z.object({ days: z.array(z.string()) }),
    requires: ({ days }) => days.map((day) => Transform.of({ day })),
    output: ({ days }) => new LocalTarget(`${dir}/report/${days.join("+")}.json`),
  });
  return { Extract, Transform, Report };
}

Deno.test("expandLocally() walks the whole graph breadth first with deps by id", async () => {
  await using dir = await tempDir();
  const calls: string[] = [];
  const { Extract, Transform, Report } = pipeline(dir.path, calls);
  const root = Report.of({ days: ["d1", "d2"] });
  const nodes = await expandLocally(root, {
    families: registry(Extract, Transform, Report),
    labels: {},
  });
  assert.equal(nodes[0]!.id, root.id);
  const t1 = Transform.of({ day: "d1" }).id;
  const t2 = Transform.of({ day: "d2" }).id;
  const e1 = Extract.of({ day: "d1" }).id;
  const e2 = Extract.of({ day: "d2" }).id;
  assert.deepEqual(nodes.map((n) => n.id), [root.id, t1, t2, e1, e2]);
  const map = byId(nodes);
  assert.deepEqual(map.get(root.id), {
    id: root.id,
    family: "Report",
    version: 1,
    params: { days: ["d1", "d2"] },
    expanded: true,
    complete: false,
    external: false,
    pin: {},
    deps: [t1, t2],
  });
  assert.deepEqual(map.get(t1)!.deps, [e1]);
  assert.deepEqual(map.get(e1)!.deps, []);
  assert.ok(nodes.every((n) => n.expanded && !n.complete));
  for (const node of nodes) assert.ok(expandNodeSchema.safeParse(node).success, node.id);
});

Deno.test("expandLocally() does not look into a complete task's requirements", async () => {
  await using dir = await tempDir();
  const calls: string[] = [];
  const { Extract, Transform, Report } = pipeline(dir.path, calls);
  await new LocalTarget(`${dir.path}/transform/d1.json`).writeAtomic("{}");
  const root = Report.of({ days: ["d1", "d2"] });
  const nodes = await expandLocally(root, {
    families: registry(Extract, Transform, Report),
    labels: {},
  });
  const map = byId(nodes);
  const done = map.get(Transform.of({ day: "d1" }).id)!;
  assert.equal(done.expanded, true);
  assert.equal(done.complete, true);
  assert.deepEqual(done.deps, []);
  assert.ok(!map.has(Extract.of({ day: "d1" }).id), "the complete task's dep was explored");
  assert.ok(map.has(Extract.of({ day: "d2" }).id));
  assert.deepEqual(calls, ["Transform.requires(d2)"]);
});

Deno.test("expandLocally() returns a complete root alone", async () => {
  await using dir = await tempDir();
  const calls: string[] = [];
  const { Extract, Transform, Report } = pipeline(dir.path, calls);
  await new LocalTarget(`${dir.path}/transform/d1.json`).writeAtomic("{}");
  const root = Transform.of({ day: "d1" });
  const nodes = await expandLocally(root, {
    families: registry(Extract, Transform, Report),
    labels: {},
  });
  assert.deepEqual(nodes.map((n) => [n.id, n.expanded, n.complete]), [[root.id, true, true]]);
  assert.deepEqual(calls, []);
});

Deno.test("expandLocally() returns tasks of unknown families unexpanded", async () => {
  await using dir = await tempDir();
  const calls: string[] = [];
  const { Extract, Transform } = pipeline(dir.path, calls);
  const root = Transform.of({ day: "d1" });
  // This worker runs Transform but not Extract.
  const nodes = await expandLocally(root, { families: registry(Transform), labels: {} });
  const extract = byId(nodes).get(Extract.of({ day: "d1" }).id)!;
  assert.deepEqual(extract, {
    id: Extract.of({ day: "d1" }).id,
    family: "Extract",
    version: 1,
    params: { day: "d1" },
    expanded: false,
    complete: false,
    external: false,
    pin: {},
    deps: [],
  });
});

Deno.test("expandLocally() treats another version of a known family as unknown", async () => {
  await using dir = await tempDir();
  const ExtractV2 = defineTask({
    family: "Extract",
    version: 2,
    params: z.object({ day: z.string() }),
    output: ({ day }) => new LocalTarget(`${dir.path}/extract/v2/${day}.json`),
  });
  const ExtractV1 = defineTask({ family: "Extract", params: z.object({ day: z.string() }) });
  const Root = defineTask({
    family: "Root",
    params: z.object({}),
    requires: () => ExtractV2.of({ day: "d1" }),
  });
  const nodes = await expandLocally(Root.of({}), {
    families: registry(Root, ExtractV1),
    labels: {},
  });
  assert.equal(byId(nodes).get(ExtractV2.of({ day: "d1" }).id)!.expanded, false);
});

Deno.test("expandLocally() returns tasks pinned to other workers unexpanded", async () => {
  const seen: string[] = [];
  const UsOnly = defineTask({
    family: "UsOnly",
    params: z.object({}),
    pin: { region: "us-east" },
    requires: () => {
      seen.push("UsOnly.requires");
      return undefined;
    },
  });
  const EuOnly = defineTask({ family: "EuOnly", params: z.object({}), pin: { region: "eu-west" } });
  const Root = defineTask({
    family: "Root",
    params: z.object({}),
    requires: () => [UsOnly.of({}), EuOnly.of({})],
  });
  const nodes = await expandLocally(Root.of({}), {
    families: registry(Root, UsOnly, EuOnly),
    labels: { region: "eu-west" },
  });
  const map = byId(nodes);
  assert.equal(map.get(UsOnly.of({}).id)!.expanded, false);
  assert.equal(map.get(EuOnly.of({}).id)!.expanded, true);
  assert.deepEqual(seen, []);
});

Deno.test("expandLocally() stops at the budget and leaves the rest unexpanded", async () => {
  const Leaf = defineTask({
    family: "Leaf",
    params: z.object({ n: z.int() }),
    requires: ({ n }) => Leaf2.of({ n }),
  });
  const Leaf2 = defineTask({ family: "Leaf2", params: z.object({ n: z.int() }) });
  const Root = defineTask({
    family: "Root",
    params: z.object({}),
    requires: () => [0, 1, 2, 3, 4].map((n) => Leaf.of({ n })),
  });
  const nodes = await expandLocally(Root.of({}), {
    families: registry(Root, Leaf, Leaf2),
    labels: {},
    budget: 3,
  });
  const expanded = nodes.filter((n) => n.expanded);
  assert.equal(expanded.length, 3);
  // The root's five requirements are all reported; only the first two were expanded.
  assert.deepEqual(
    nodes.filter((n) => n.family === "Leaf").map((n) => n.expanded),
    [true, true, false, false, false],
  );
  assert.equal(nodes.filter((n) => n.family === "Leaf2").length, 2);
  for (const node of nodes) {
    for (const dep of node.deps) assert.ok(nodes.some((n) => n.id === dep), `${dep} is missing`);
  }
});

Deno.test("expandLocally() visits a shared dependency once (diamond)", async () => {
  let baseRequires = 0;
  const Base = defineTask({
    family: "Base",
    params: z.object({}),
    requires: () => {
      baseRequires++;
      return undefined;
    },
  });
  const Left = defineTask({ family: "Left", params: z.object({}), requires: () => Base.of({}) });
  const Right = defineTask({ family: "Right", params: z.object({}), requires: () => Base.of({}) });
  const Top = defineTask({
    family: "Top",
    params: z.object({}),
    requires: () => ({ l: Left.of({}), r: Right.of({}), again: Left.of({}) }),
  });
  const nodes = await expandLocally(Top.of({}), {
    families: registry(Top, Left, Right, Base),
    labels: {},
  });
  assert.equal(nodes.length, 4);
  assert.equal(new Set(nodes.map((n) => n.id)).size, 4);
  assert.equal(baseRequires, 1);
  const map = byId(nodes);
  assert.deepEqual(map.get(Top.of({}).id)!.deps, [Left.of({}).id, Right.of({}).id]);
  assert.deepEqual(map.get(Left.of({}).id)!.deps, [Base.of({}).id]);
  assert.deepEqual(map.get(Right.of({}).id)!.deps, [Base.of({}).id]);
});

Deno.test("expandLocally() rejects with the signal's reason when aborted", async () => {
  const Root = defineTask({ family: "Root", params: z.object({}) });
  const reason = new Error("lease lost");
  await assert.rejects(
    expandLocally(Root.of({}), {
      families: registry(Root),
      labels: {},
      signal: AbortSignal.abort(reason),
    }),
    (e: unknown) => e === reason,
  );
});

Deno.test("expandLocally() checks the completeness of many tasks at once, boundedly, and keeps breadth-first order", async () => {
  let inFlight = 0;
  let most = 0;
  const Leaf = defineTask({
    family: "Leaf",
    params: z.object({ i: z.number().int() }),
    complete: async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return false;
    },
  });
  const Wide = defineTask({
    family: "Wide",
    params: z.object({ n: z.number().int() }),
    requires: ({ n }) => Array.from({ length: n }, (_, i) => Leaf.of({ i })),
  });
  const root = Wide.of({ n: 200 });
  const nodes = await expandLocally(root, { families: registry(Wide, Leaf), labels: {} });
  assert.equal(nodes.length, 201);
  assert.deepEqual(
    nodes.slice(1).map((n) => n.params),
    Array.from({ length: 200 }, (_, i) => ({ i })),
  );
  assert.ok(most > 1, `checks ran one at a time (${most})`);
  assert.ok(most <= 64, `${most} checks at once`);
});
