import assert from "node:assert/strict";
import { parseFlags, throwIfProblems, wholeNumber } from "./parse_flags.ts";

const OPTIONS = {
  out: { type: "string", short: "o" },
  tasks: { type: "string", default: "5" },
  keep: { type: "boolean" },
} as const;

Deno.test("parseFlags() reads long, inline and short options, positionals and what follows --", () => {
  const parsed = parseFlags(
    ["a.ts", "--out", "x", "--tasks=7", "-o", "y", "--keep", "--", "--z"],
    OPTIONS,
  );
  assert.deepEqual(parsed.values, { out: "y", tasks: "7", keep: true });
  assert.deepEqual(parsed.positionals, ["a.ts"]);
  assert.deepEqual(parsed.rest, ["--z"]);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parseFlags([], OPTIONS).values, { out: undefined, tasks: "5", keep: false });
});

Deno.test("parseFlags() reports every problem of a command line at once", () => {
  const { problems } = parseFlags(["--nope", "--keep=yes", "-z", "--out"], OPTIONS);
  assert.deepEqual(problems, [
    'Unknown option "--nope"',
    "--keep takes no value",
    'Unknown option "-z"',
    "--out needs a value",
  ]);
  assert.deepEqual(parseFlags(["--out", "--keep"], OPTIONS).problems, ["--out needs a value"]);
  assert.deepEqual(parseFlags(["--out="], OPTIONS).problems, ["--out needs a value"]);
});

Deno.test("wholeNumber() names the flag and the value it refuses", () => {
  const problems: string[] = [];
  assert.equal(wholeNumber(problems, "--tasks", "500", 1), 500);
  wholeNumber(problems, "--tasks", "many", 1);
  wholeNumber(problems, "--tasks", "0", 1);
  wholeNumber(problems, "--workers", "99", 1, 64);
  assert.deepEqual(problems, [
    '--tasks needs a whole number, not "many"',
    "--tasks must be at least 1, not 0",
    "--workers must be at most 64, not 99",
  ]);
  assert.throws(() => throwIfProblems(problems, "Usage: x"), {
    name: "TypeError",
    message: `${problems.join("\n")}\nUsage: x`,
  });
  throwIfProblems([], "Usage: x");
});
