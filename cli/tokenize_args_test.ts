import assert from "node:assert/strict";
import { collectValues, tokenizeArgs } from "./tokenize_args.ts";

/** `[key, spelled, value]` of each option of `argv`, and its positionals. */
function tokens(argv: string[]) {
  const { positionals, options } = tokenizeArgs(argv);
  return { positionals, options: options.map((o) => [o.key, o.spelled, o.value]) };
}

Deno.test("tokenizeArgs() takes a value that starts with a dash, e.g. a negative number", () => {
  assert.deepEqual(tokens(["submit", "F", "--priority", "-5", "--url", "--json"]), {
    positionals: ["submit", "F"],
    options: [["priority", "--priority", "-5"], ["url", "--url", "--json"]],
  });
});

Deno.test("tokenizeArgs() reads short options alone, grouped and with their value attached", () => {
  assert.deepEqual(tokens(["submit", "F", "-pa=1", "-wp", "b=2", "-h", "-"]), {
    positionals: ["submit", "F", "-"],
    options: [
      ["param", "-p", "a=1"],
      ["wait", "-w", null],
      ["param", "-p", "b=2"],
      ["help", "-h", null],
    ],
  });
});

Deno.test("tokenizeArgs() ends options at --", () => {
  assert.deepEqual(tokens(["task", "--json", "--", "--odd-id", "-p"]), {
    positionals: ["task", "--odd-id", "-p"],
    options: [["json", "--json", null]],
  });
});

Deno.test("tokenizeArgs() refuses unknown options, values on flags and missing values", () => {
  const cases: [string[], string][] = [
    [["runs", "-5"], 'Unknown option "-5"; see "drover help"'],
    [["submit", "F", "-wx"], 'Unknown option "-x"; see "drover help"'],
    [["runs", "--__proto__"], 'Unknown option "--__proto__"; see "drover help"'],
    [["runs", "--json=yes"], 'Option "--json" takes no value (got "--json=yes")'],
    [["submit", "F", "-p"], 'Option "-p" needs a value: -p NAME=VALUE'],
    [["runs", "--limit="], 'Option "--limit" needs a value: --limit N'],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => tokenizeArgs(argv), { name: "UsageError", message });
  }
});

Deno.test("collectValues() gathers a list option's values and refuses a single one given twice", () => {
  const { options } = tokenizeArgs(["submit", "F", "-p", "a=1", "--param=b=2", "--wait"]);
  assert.deepEqual(
    collectValues(options),
    new Map([["param", ["a=1", "b=2"]], ["wait", []]]),
  );
  const twice = tokenizeArgs(["runs", "--limit", "1", "--limit=2"]).options;
  assert.throws(() => collectValues(twice), {
    name: "UsageError",
    message: 'Option "--limit" is given twice ("1", "2")',
  });
});
