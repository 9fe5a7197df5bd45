import assert from "node:assert/strict";
import { z } from "zod";
import { defineTask } from "../shared/task.ts";
import { pinOf } from "./pin_of.ts";

Deno.test("pinOf() is the empty selector for a family without a pin", () => {
  const Free = defineTask({ family: "Free", params: z.object({}) });
  assert.deepEqual(pinOf(Free.of({})), {});
});

Deno.test("pinOf() returns a family's fixed selector as it is", () => {
  const Fixed = defineTask({
    family: "Fixed",
    params: z.object({}),
    pin: { region: "eu-west", zone: { in: ["a", "b"] } },
  });
  assert.deepEqual(pinOf(Fixed.of({})), { region: "eu-west", zone: { in: ["a", "b"] } });
});

Deno.test("pinOf() calls a pin function with the instance's parsed parameters", () => {
  const PerRegion = defineTask({
    family: "PerRegion",
    params: z.object({ region: z.string().default("us-east") }),
    pin: ({ region }) => ({ region }),
  });
  assert.deepEqual(pinOf(PerRegion.of({})), { region: "us-east" });
  assert.deepEqual(pinOf(PerRegion.of({ region: "eu-west" })), { region: "eu-west" });
});

Deno.test("pinOf() throws a TypeError naming the family when its pin function returns no selector", () => {
  const Bad = defineTask({
    family: "Bad",
    params: z.object({}),
    pin: () => ({ Region: "x" }),
  });
  assert.throws(
    () => pinOf(Bad.of({})),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message.startsWith('The pin function of task family "Bad" returned an invalid selector: '),
  );
});
