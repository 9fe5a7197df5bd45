import assert from "node:assert/strict";
import { z } from "zod";
import { defineTask } from "../shared/task.ts";
import { mapRequirements, requirementList } from "./requirements.ts";

const Leaf = defineTask({ family: "Leaf", params: z.object({ n: z.int() }) });

Deno.test("requirementList() flattens every shape requires() may return", () => {
  const a = Leaf.of({ n: 1 });
  const b = Leaf.of({ n: 2 });
  assert.deepEqual(requirementList(undefined), []);
  assert.deepEqual(requirementList(a), [a]);
  assert.deepEqual(requirementList([a, b]), [a, b]);
  assert.deepEqual(requirementList({ x: a, y: b }), [a, b]);
  assert.deepEqual(requirementList([]), []);
  assert.deepEqual(requirementList({}), []);
});

Deno.test("requirementList() returns a copy of an array, not the array itself", () => {
  const list = [Leaf.of({ n: 1 })];
  const out = requirementList(list);
  out.push(Leaf.of({ n: 2 }));
  assert.equal(list.length, 1);
});

Deno.test("mapRequirements() keeps the shape requires() returned", () => {
  const a = Leaf.of({ n: 1 });
  const b = Leaf.of({ n: 2 });
  const id = (t: { id: string }) => t.id;
  assert.equal(mapRequirements(undefined, id), undefined);
  assert.equal(mapRequirements(a, id), a.id);
  assert.deepEqual(mapRequirements([a, b], id), [a.id, b.id]);
  assert.deepEqual(mapRequirements({ x: a, y: b }, id), { x: a.id, y: b.id });
});
