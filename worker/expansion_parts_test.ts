import assert from "node:assert/strict";
import type { ExpandNode } from "../shared/protocol.ts";
import { expansionParts, requirementsFirst } from "./expansion_parts.ts";

const node = (id: string, deps: string[] = []): ExpandNode => ({
  id,
  family: "F",
  version: 1,
  params: { id },
  expanded: true,
  complete: false,
  deps,
  external: false,
});

Deno.test("expansionParts() keeps a small expansion whole, in the worker's order", () => {
  const nodes = [node("root", ["a", "b"]), node("a"), node("b")];
  assert.deepEqual(expansionParts(nodes), [nodes]);
});

Deno.test("expansionParts() cuts a wide one by count, requirements first and the root last", () => {
  const leaves = Array.from({ length: 10 }, (_, i) => node(`l${i}`));
  const root = node("root", leaves.map((l) => l.id));
  const parts = expansionParts([root, ...leaves], 4);
  assert.deepEqual(parts.map((p) => p.length), [4, 4, 3]);
  assert.equal(parts.at(-1)!.at(-1)!.id, "root");
  const sent = new Set<string>();
  for (const part of parts) {
    for (const n of part) {
      for (const d of n.deps) assert.ok(sent.has(d) || part.some((m) => m.id === d), `${d}`);
      sent.add(n.id);
    }
  }
});

Deno.test("expansionParts() cuts by bytes too", () => {
  const big = (id: string) => ({ ...node(id), params: { blob: "x".repeat(1_000) } });
  const leaves = Array.from({ length: 30 }, (_, i) => big(`l${i}`));
  const parts = expansionParts([node("root", leaves.map((l) => l.id)), ...leaves], 1_000, 10_000);
  assert.ok(parts.length >= 3, `${parts.length} parts`);
  for (const p of parts) {
    assert.ok(p.length === 1 || JSON.stringify(p).length <= 10_000 + p.length, "within bytes");
  }
});

Deno.test("requirementsFirst() orders a chain of 100,000 without running out of stack", () => {
  const chain = Array.from(
    { length: 100_000 },
    (_, i) => node(`c${i}`, i + 1 < 100_000 ? [`c${i + 1}`] : []),
  );
  const ordered = requirementsFirst(chain);
  assert.equal(ordered[0]!.id, "c99999");
  assert.equal(ordered.at(-1)!.id, "c0");
  assert.equal(ordered.length, 100_000);
});
