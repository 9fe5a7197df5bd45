import assert from "node:assert/strict";
import { z } from "zod";
import { familyInfo } from "../../shared/family_info.ts";
import { defineTask } from "../../shared/task.ts";
import { FamilyRegistry, type RegisteredFamily } from "./family_registry.ts";
import { testDatabase } from "../ops/test_db.ts";
import { registerFamilies } from "../ops/register_families.ts";
import { loadFamilies } from "../queries/families.ts";

const Everything = defineTask({
  family: "Everything",
  params: z.object({
    day: z.iso.date(),
    at: z.iso.datetime({ offset: true }).default("2026-11-23T00:00:00Z"),
    count: z.int().min(0).default(3),
    ratio: z.number().min(0).max(1).default(0.5),
    mode: z.enum(["full", "delta"]).default("delta"),
    dryRun: z.boolean().default(false),
    tables: z.array(z.string()).default(["a", "b"]),
    target: z.object({ bucket: z.string(), prefix: z.string().default("out/") }).default({
      bucket: "main",
      prefix: "out/",
    }),
  }),
  run: async () => {},
});

async function registered(): Promise<
  { registry: FamilyRegistry; family: RegisteredFamily } & AsyncDisposable
> {
  const db = await testDatabase();
  const registry = new FamilyRegistry();
  await db.tx((tx) => registerFamilies(tx, "w", [familyInfo(Everything)], 0));
  registry.replace(await db.tx((tx) => loadFamilies(tx)));
  return {
    registry,
    family: registry.get("Everything", 1)!,
    [Symbol.asyncDispose]: () => db[Symbol.asyncDispose](),
  };
}

Deno.test("the hub and the worker agree on defaults and task ids for every kind of parameter", async (t) => {
  await using r = await registered();
  const cases: Array<[string, Record<string, unknown>]> = [
    ["defaults only", { day: "2026-11-01" }],
    ["every field set", {
      day: "2026-11-01",
      at: "2026-11-01T10:30:00+02:00",
      count: 7,
      ratio: 0.25,
      mode: "full",
      dryRun: true,
      tables: ["x"],
      target: { bucket: "b", prefix: "p/" },
    }],
    ["nested default inside a given object", { day: "2026-11-02", target: { bucket: "other" } }],
    ["keys in another order", { tables: ["b", "a"], day: "2026-11-03", count: 1 }],
  ];
  for (const [name, params] of cases) {
    await t.step(name, () => {
      const hub = r.registry.parseSubmission(r.family, params);
      const worker = Everything.of(params as never);
      assert.equal(hub.id, worker.id);
      assert.deepEqual(hub.params, worker.params);
    });
  }
});

Deno.test("the hub refuses bad parameters naming the field and the reason", async (t) => {
  await using r = await registered();
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["a missing required field", {}, "params.day", /day: /],
    ["an impossible date", { day: "2026-02-30" }, "params.day", /day: Invalid ISO date/],
    ["a float for an int", { day: "2026-11-01", count: 1.5 }, "params.count", /count: /],
    ["a value out of range", { day: "2026-11-01", ratio: 2 }, "params.ratio", /ratio: /],
    ["a value outside an enum", { day: "2026-11-01", mode: "half" }, "params.mode", /mode: /],
    ["a string for a boolean", { day: "2026-11-01", dryRun: "yes" }, "params.dryRun", /dryRun: /],
    ["a bad list item", { day: "2026-11-01", tables: ["a", 2] }, "params.tables.1", /tables\.1: /],
    [
      "a bad nested field",
      { day: "2026-11-01", target: { bucket: 1 } },
      "params.target.bucket",
      /target\.bucket: /,
    ],
    [
      "an unknown field",
      { day: "2026-11-01", colour: "red" },
      "params.colour",
      /Unknown parameter .*"colour"/,
    ],
  ];
  for (const [name, params, field, message] of cases) {
    await t.step(name, () => {
      assert.throws(
        () => r.registry.parseSubmission(r.family, params),
        (error: Error & { field?: string }) => {
          assert.equal(error.field, field);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

Deno.test("bumping a family's version gives new ids for the same parameters", () => {
  const v1 = defineTask({
    family: "Versioned",
    version: 1,
    params: z.object({ day: z.iso.date() }),
  });
  const v2 = defineTask({
    family: "Versioned",
    version: 2,
    params: z.object({ day: z.iso.date() }),
  });
  assert.notEqual(v1.of({ day: "2026-11-01" }).id, v2.of({ day: "2026-11-01" }).id);
});
