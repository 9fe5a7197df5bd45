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

Deno.test("unschedulableReason() names a family disabled after failures, before any worker reason", () => {
  const holds = {
    families: new Set<string>(),
    regions: new Set<string>(),
    disabledUntil: new Map([["Extract@1", Date.UTC(2026, 11, 4, 6)]]),
  };
  assert.equal(
    unschedulableReason(task, [], holds),
    "family Extract version 1 is disabled after repeated failures until 2026-12-04T06:00:00.000Z",
  );
  assert.equal(
    unschedulableReason({ ...task, version: 2 }, [], holds),
    "no worker is connected",
    "another version is not disabled",
  );
});

Deno.test("unschedulableReason() names a resource at its limit, or one the task needs more of than the limit", () => {
  const open = { ...task, pin: "" };
  const holds = (used: Record<string, number>, limits: Record<string, number> = {}) => ({
    families: new Set<string>(),
    regions: new Set<string>(),
    resourceLimits: new Map(Object.entries(limits)),
    resourcesInUse: new Map(Object.entries(used)),
  });
  const db = { ...open, resources: '{"db":1}' };
  assert.equal(
    unschedulableReason(db, [eu], holds({ db: 3 }, { db: 3 })),
    "resource db is at its limit (3 of 3 in use, it needs 1)",
  );
  assert.equal(unschedulableReason(db, [eu], holds({ db: 2 }, { db: 3 })), null);
  assert.equal(
    unschedulableReason(db, [eu], holds({ db: 1 })),
    "resource db is at its limit (1 of 1 in use, it needs 1)",
    "a resource nobody configured has a limit of 1",
  );
  assert.equal(
    unschedulableReason({ ...open, resources: '{"db":4}' }, [eu], holds({}, { db: 3 })),
    "it needs 4 of resource db, more than its limit of 3",
  );
  assert.equal(
    unschedulableReason({ ...open, resources: "{}" }, [eu], holds({ db: 9 })),
    null,
    "a task holding no resource waits for none",
  );
  assert.equal(
    unschedulableReason(db, [], holds({ db: 3 }, { db: 3 })),
    "no worker is connected",
    "the workers come first: the resource would not help",
  );
});

Deno.test("regionOf() reads the region a pin names", () => {
  assert.equal(regionOf(""), "any");
  assert.equal(regionOf('{"region":"eu-west"}'), "eu-west");
  assert.equal(regionOf('{"region":{"in":["eu-west","eu-central"]}}'), "eu-west|eu-central");
});
