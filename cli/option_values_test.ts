import assert from "node:assert/strict";
import { parseChoice, parseInteger, parsePins, parseScope } from "./option_values.ts";

Deno.test("parsePins() makes a label selector, a label given several values a list", () => {
  assert.equal(parsePins([]), null);
  assert.deepEqual(parsePins(["region=eu-west", "region=us-east", "zone=b"]), {
    region: { in: ["eu-west", "us-east"] },
    zone: "b",
  });
  assert.deepEqual(parsePins(["region=eu-west,us-east,eu-west"]), {
    region: { in: ["eu-west", "us-east"] },
  });
});

Deno.test("parsePins() refuses a bad pin with a usage error that quotes it", () => {
  const cases: Array<[string, string]> = [
    ["region", 'Invalid --pin "region": expected LABEL=VALUE, e.g. region=eu-west'],
    ["=eu", 'Invalid --pin "=eu": expected LABEL=VALUE, e.g. region=eu-west'],
    ["region=", 'Invalid --pin "region=": expected LABEL=VALUE, e.g. region=eu-west'],
    ["Region=eu", 'Invalid --pin "Region=eu": label names are lowercase identifiers'],
    [
      `region=${"x".repeat(201)}`,
      `Invalid --pin "region=${
        "x".repeat(201)
      }": Too big: expected string to have <=200 characters`,
    ],
  ];
  for (const [pin, message] of cases) {
    assert.throws(() => parsePins([pin]), { name: "UsageError", message });
  }
});

Deno.test("parseChoice() and parseInteger() quote the value they refuse", () => {
  assert.equal(parseChoice('Option "--role"', null, ["a", "b"]), null);
  assert.equal(parseChoice('Option "--role"', "b", ["a", "b"]), "b");
  assert.throws(() => parseChoice('Option "--role"', "c", ["a", "b"]), {
    message: 'Option "--role" got "c"; use one of: a, b',
  });
  assert.equal(parseInteger("--priority", "-5", -10, 10), -5);
  assert.throws(() => parseInteger("--priority", "11", -10, 10), {
    message: 'Option "--priority" needs an integer from -10 to 10, got "11"',
  });
  assert.throws(() => parseInteger("LIMIT", "x", 0), {
    message: 'LIMIT needs an integer of at least 0, got "x"',
  });
});

Deno.test("parseScope() reads labels as a worker's DROVER_WORKER_LABELS, quoting a bad one", () => {
  assert.deepEqual(parseScope("region=eu-west, zone=b"), { region: "eu-west", zone: "b" });
  const cases: Array<[string, string]> = [
    ["region", "expected name=value"],
    ["Region=x", '"Region": label names are lowercase identifiers'],
  ];
  for (const [text, reason] of cases) {
    assert.throws(() => parseScope(text), {
      name: "UsageError",
      message: `Invalid --scope "${text}": ${reason} (e.g. region=eu-west)`,
    });
  }
});
