/** expandLocally() and dependency cycles: named in a PermanentError, unless a complete task cuts them. */
import assert from "node:assert/strict";
import { z } from "zod";
import { defineTask, LocalTarget, PermanentError, type TaskFamily } from "../shared/mod.ts";
import type { AnyTaskInstance } from "../shared/task.ts";
import { expandLocally } from "./expand.ts";

// deno-lint-ignore no-explicit-any
function registry(...families: TaskFamily<any, any>[]): Map<string, TaskFamily> {
  return new Map(families.map((f) => [`${f.name}@${f.version}`, f as TaskFamily]));
}

Deno.test("expandLocally() throws PermanentError naming the tasks of a dependency cycle", async () => {
  const Ring = defineTask({
    family: "Ring",
    params: z.object({ n: z.int() }),
    requires: ({ n }): AnyTaskInstance => Ring.of({ n: (n + 1) % 3 }),
  });
  const ids = [0, 1, 2].map((n) => Ring.of({ n }).id);
  await assert.rejects(
    expandLocally(Ring.of({ n: 0 }), { families: registry(Ring), labels: {} }),
    (e: unknown) => {
      assert.ok(e instanceof PermanentError);
      assert.match(e.message, /^Dependency cycle: /);
      for (const id of ids) assert.ok(e.message.includes(id), `${id} not in: ${e.message}`);
      assert.ok(e.message.includes(" → "));
      return true;
    },
  );
});

Deno.test("expandLocally() throws PermanentError for a task that requires itself", async () => {
  const Selfish = defineTask({
    family: "Selfish",
    params: z.object({}),
    requires: (): AnyTaskInstance => Selfish.of({}),
  });
  const id = Selfish.of({}).id;
  await assert.rejects(
    expandLocally(Selfish.of({}), { families: registry(Selfish), labels: {} }),
    (e: unknown) => e instanceof PermanentError && e.message === `Dependency cycle: ${id} → ${id}`,
  );
});

Deno.test("expandLocally() does not report a cycle that a complete task cuts", async () => {
  const dir = { path: await Deno.makeTempDir({ prefix: "drover_expand_cycle_" }) };
  try {
    const Ring = defineTask({
      family: "Ring",
      params: z.object({ n: z.int() }),
      requires: ({ n }): AnyTaskInstance => Ring.of({ n: (n + 1) % 3 }),
      output: ({ n }) => new LocalTarget(`${dir.path}/ring/${n}`),
    });
    await new LocalTarget(`${dir.path}/ring/2`).writeAtomic("done");
    const nodes = await expandLocally(Ring.of({ n: 0 }), { families: registry(Ring), labels: {} });
    assert.deepEqual(nodes.map((n) => n.complete), [false, false, true]);
  } finally {
    await Deno.remove(dir.path, { recursive: true });
  }
});
