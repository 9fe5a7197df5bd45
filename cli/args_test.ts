import assert from "node:assert/strict";
import { parseArgs } from "./args.ts";
import { UsageError } from "./errors.ts";

Deno.test("parseArgs() reads submit with repeated --param, -p and --wait", () => {
  const { command, json, url, token } = parseArgs([
    "submit",
    "AggregateShards",
    "--param",
    "totalShards=3",
    "-p",
    "label=a=b",
    "--param=extra=1",
    "--wait",
  ]);
  assert.deepEqual(command, {
    name: "submit",
    family: "AggregateShards",
    params: ["totalShards=3", "label=a=b", "extra=1"],
    priority: null,
    pin: null,
    wait: true,
  });
  assert.equal(json, false);
  assert.equal(url, null);
  assert.equal(token, null);
});

Deno.test("parseArgs() accepts global options before or after the command", () => {
  const before = parseArgs(["--url", "http://h:1", "--json", "runs", "--token=t"]);
  const after = parseArgs(["runs", "--json", "--token", "t", "--url=http://h:1"]);
  for (const parsed of [before, after]) {
    assert.deepEqual(parsed, {
      command: { name: "runs", state: null, family: null, limit: null, cursor: null },
      json: true,
      url: "http://h:1",
      token: "t",
    });
  }
});

Deno.test("parseArgs() reads the tasks filters and checks --state and --limit", () => {
  assert.deepEqual(
    parseArgs(["tasks", "--run", "run_1", "--state", "failed", "--limit", "5"]).command,
    { name: "tasks", run: "run_1", state: "failed", family: null, limit: 5 },
  );
  assert.throws(() => parseArgs(["tasks", "--state", "sleeping"]), {
    name: "UsageError",
    message:
      /"--state" got "sleeping"; use one of: ready, leased, waiting, done, failed, blocked, cancelled/,
  });
  assert.throws(() => parseArgs(["runs", "--limit", "ten"]), /positive integer, got "ten"/);
  assert.throws(() => parseArgs(["runs", "--limit", "0"]), /positive integer, got "0"/);
});

Deno.test("parseArgs() reads the positional id of status and task", () => {
  assert.deepEqual(parseArgs(["status", "run_1"]).command, { name: "status", runId: "run_1" });
  assert.deepEqual(parseArgs(["task", "A_1_ab"]).command, { name: "task", taskId: "A_1_ab" });
});

Deno.test("parseArgs() treats everything after -- as positional", () => {
  assert.deepEqual(parseArgs(["task", "--", "--odd-id"]).command, {
    name: "task",
    taskId: "--odd-id",
  });
});

Deno.test("parseArgs() answers help for no arguments, help COMMAND and --help", () => {
  assert.deepEqual(parseArgs([]).command, { name: "help", topic: null });
  assert.deepEqual(parseArgs(["help"]).command, { name: "help", topic: null });
  assert.deepEqual(parseArgs(["help", "submit"]).command, { name: "help", topic: "submit" });
  assert.deepEqual(parseArgs(["submit", "--help"]).command, { name: "help", topic: "submit" });
  assert.deepEqual(parseArgs(["-h"]).command, { name: "help", topic: null });
  // --help wins over what would otherwise be a usage error.
  assert.deepEqual(parseArgs(["status", "-h"]).command, { name: "help", topic: "status" });
});

Deno.test("parseArgs() refuses unknown commands and options with a usage error", () => {
  assert.throws(() => parseArgs(["sumbit"]), {
    name: "UsageError",
    message:
      /Unknown command "sumbit".*commands: submit, backfill, schedule, hook, trigger, status/,
  });
  assert.throws(() => parseArgs(["runs", "--verbose"]), /Unknown option "--verbose"/);
  assert.throws(() => parseArgs(["runs", "-x"]), /Unknown option "-x"/);
  assert.throws(() => parseArgs(["help", "frob"]), /Unknown command "frob"/);
});

Deno.test("parseArgs() refuses an option that does not apply to the command", () => {
  assert.throws(
    () => parseArgs(["runs", "--wait"]),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message ===
        'Option "--wait" does not apply to "runs"; usage: drover runs [--state STATE] ' +
          "[--family FAMILY] [--limit N] [--cursor CURSOR]",
  );
});

Deno.test("parseArgs() refuses missing and extra positional arguments", () => {
  assert.throws(() => parseArgs(["submit"]), /Missing FAMILY for "submit"/);
  assert.throws(() => parseArgs(["status"]), /Missing RUN_ID for "status"/);
  assert.throws(() => parseArgs(["status", "a", "b"]), /Unexpected argument "b" for "status"/);
  assert.throws(() => parseArgs(["workers", "now"]), /Unexpected argument "now" for "workers"/);
});

Deno.test("parseArgs() refuses a missing value, a value on a flag and a repeated single option", () => {
  assert.throws(() => parseArgs(["submit", "F", "--param"]), /"--param" needs a value/);
  assert.throws(() => parseArgs(["tasks", "--run="]), /"--run" needs a value/);
  assert.throws(() => parseArgs(["submit", "F", "--wait=yes"]), /"--wait" takes no value/);
  assert.throws(
    () => parseArgs(["tasks", "--run", "a", "--run", "b"]),
    /"--run" is given twice \("a", "b"\)/,
  );
});

Deno.test("parseArgs() does not mistake inherited object keys for options", () => {
  assert.throws(() => parseArgs(["runs", "--constructor"]), /Unknown option "--constructor"/);
  assert.throws(() => parseArgs(["toString"]), /Unknown command "toString"/);
});

Deno.test("parseArgs() reads backfill with its range, day parameter, limit and priority", () => {
  const { command } = parseArgs([
    "backfill",
    "TransformTable",
    "--from",
    "2026-11-01",
    "--to=2026-11-30",
    "--param-name",
    "runDate",
    "-p",
    "table=orders",
    "--max-concurrent",
    "4",
    "--priority",
    "-5",
    "--wait",
  ]);
  assert.deepEqual(command, {
    name: "backfill",
    family: "TransformTable",
    from: "2026-11-01",
    to: "2026-11-30",
    paramName: "runDate",
    params: ["table=orders"],
    maxConcurrent: 4,
    priority: -5,
    wait: true,
  });
  const plain = parseArgs(["backfill", "ExtractRaw", "--from", "2026-11-01", "--to", "2026-11-01"]);
  assert.deepEqual(plain.command, {
    name: "backfill",
    family: "ExtractRaw",
    from: "2026-11-01",
    to: "2026-11-01",
    paramName: null,
    params: [],
    maxConcurrent: null,
    priority: null,
    wait: false,
  });
});

Deno.test("parseArgs() refuses a backfill without its range, with a bad day or a reversed range", () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ["--to", "2026-11-02"],
      /^Missing --from for "backfill"; usage: drover backfill FAMILY --from DATE --to DATE /,
    ],
    [["--from", "2026-11-02"], /^Missing --to for "backfill"/],
    [
      ["--from", "2026-11-31", "--to", "2026-12-02"],
      /^Option "--from" needs a day as YYYY-MM-DD, got "2026-11-31"$/,
    ],
    [
      ["--from", "2026-11-01", "--to", "tomorrow"],
      /^Option "--to" needs a day as YYYY-MM-DD, got "tomorrow"$/,
    ],
    [
      ["--from", "2026-12-05", "--to", "2026-12-01"],
      /^Option "--from" \(2026-12-05\) is after "--to" \(2026-12-01\); swap them$/,
    ],
    [
      ["--from", "2026-11-01", "--to", "2026-11-02", "--max-concurrent", "0"],
      /^Option "--max-concurrent" needs an integer of at least 1, got "0"$/,
    ],
    [
      ["--from", "2026-11-01", "--to", "2026-11-02", "--priority", "1.5"],
      /^Option "--priority" needs an integer from -1000000 to 1000000, got "1.5"$/,
    ],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => parseArgs(["backfill", "ExtractRaw", ...options]), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("parseArgs() reads submit --pin into a label selector", () => {
  const { command } = parseArgs(["submit", "F", "--pin", "region=eu-west", "--pin=zone=b"]);
  assert.deepEqual((command as { pin: unknown }).pin, { region: "eu-west", zone: "b" });
});

Deno.test("parseArgs() reads the runs filters and paging, checking the run state", () => {
  assert.deepEqual(
    parseArgs(["runs", "--state", "failed", "--family", "Agg", "--limit", "5", "--cursor", "c1"])
      .command,
    { name: "runs", state: "failed", family: "Agg", limit: 5, cursor: "c1" },
  );
  assert.throws(() => parseArgs(["runs", "--state", "leased"]), {
    name: "UsageError",
    message: 'Option "--state" got "leased"; use one of: running, done, failed, cancelled',
  });
});
