import assert from "node:assert/strict";
import { regionOf, unschedulableReason } from "./unschedulable.ts";

const eu = { labels: { region: "eu-west" }, families: ["Extract@1#abc"], cordoned: false };
const task = { family: "Extract", version: 1, pin: '{"region":"ap-south"}' };

Deno.test("unschedulableReason() names the pin no connected worker matches", () => {
  assert.equal(
    unschedulableReason(task, [eu]),
    "no connected worker running Extract matches region=ap-south",
  );
  assert.equal(unschedulableReason({ ...task, pin: '{"region":"eu-west"}' }, [eu]), null);
});

Deno.test("unschedulableReason() says when no worker runs the family, none is connected, or all are cordoned", () => {
  assert.equal(
    unschedulableReason({ ...task, family: "Load" }, [eu]),
    "no connected worker runs Load version 1",
  );
  assert.equal(unschedulableReason(task, []), "no worker is connected");
  assert.equal(
    unschedulableReason(task, [{ ...eu, cordoned: true }]),
    "every connected worker is cordoned",
  );
});

Deno.test("unschedulableReason() names a paused family, or the paused regions of every worker that could run it", () => {
  const us = { ...eu, labels: { region: "us-east" } };
  const open = { ...task, pin: "" };
  const paused = (families: string[], regions: string[]) => ({
    families: new Set(families),
    regions: new Set(regions),
  });
  assert.equal(
    unschedulableReason(open, [eu], paused(["Extract"], [])),
    "family Extract is paused",
  );
  assert.equal(
    unschedulableReason(open, [eu, us], paused([], ["us-east", "eu-west"])),
    "every connected worker that can run it is in a paused region (eu-west, us-east)",
  );
  assert.equal(unschedulableReason(open, [eu, us], paused([], ["us-east"])), null);
});

Deno.test("regionOf() reads the region a pin names", () => {
  assert.equal(regionOf(""), "any");
  assert.equal(regionOf('{"region":"eu-west"}'), "eu-west");
  assert.equal(regionOf('{"region":{"in":["eu-west","eu-central"]}}'), "eu-west|eu-central");
});
