/**
 * End to end: `deno task demo` (`scripts/demo.ts`) as a user runs it, a real
 * hub and three regional workers in subprocesses, checked through what it
 * prints.
 */
import assert from "node:assert/strict";
import { REGIONS } from "../examples/regional.ts";

const ROOT = new URL("../", import.meta.url);
const HEADER = ["TASK", "FAMILY", "PINNED TO", "RAN ON", "WORKER REGION", "ATTEMPTS", "STATE"];

/** The table rows under `header`, cut at the header's column starts. */
function parseTable(lines: readonly string[], header: string): Record<string, string>[] {
  const at = lines.indexOf(header);
  assert.ok(at >= 0, "the table header is printed");
  const starts = HEADER.map((name) => header.indexOf(name));
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === "") break;
    rows.push(Object.fromEntries(
      HEADER.map((name, i) => [name, line.slice(starts[i], starts[i + 1]).trim()]),
    ));
  }
  return rows;
}

Deno.test("deno task demo runs each ExtractRegion on a worker of its pinned region, prints where, and loads the warehouse", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/demo.ts", "2026-11-23"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const context = `stdout:\n${out}\nstderr:\n${new TextDecoder().decode(stderr)}`;
  assert.equal(code, 0, context);

  const lines = out.split("\n");
  const header = lines.find((l) => l.startsWith("TASK "));
  assert.ok(header, context);
  assert.match(header, /^TASK +FAMILY +PINNED TO +RAN ON +WORKER REGION +ATTEMPTS +STATE$/);
  const rows = parseTable(lines, header);

  const extracts = rows.filter((r) => r.FAMILY === "ExtractRegion");
  assert.deepEqual(
    extracts.map((r) => r["PINNED TO"]),
    REGIONS.map((region) => `region=${region}`),
    context,
  );
  for (const row of extracts) {
    assert.equal(`region=${row["WORKER REGION"]}`, row["PINNED TO"], `${row.TASK}\n${context}`);
    assert.equal(row["RAN ON"], `worker-${row["WORKER REGION"]}`, row.TASK);
    assert.equal(row.STATE, "done", row.TASK);
  }
  const reports = rows.filter((r) => r.FAMILY === "RegionalReport");
  assert.equal(reports.length, 1, context);
  assert.equal(reports[0]!["PINNED TO"], "any worker");
  assert.equal(reports[0]!.STATE, "done");
  assert.ok(
    out.includes("placement: every pinned task ran where it was pinned"),
    context,
  );
  // The warehouse pipeline, against the S3-protocol server and the database the demo started.
  assert.match(out, /^s3:\/\/raw-data\/events\/v1\/2026-11-23\.jsonl: \d+ bytes$/m, context);
  assert.match(out, /^TABLE +RECORDS +AMOUNT\ncustomers +5 +15\nevents +5 +20\norders +5 +10$/m);
  assert.ok(
    out.includes("warehouse: the extract is in the object store, its counts loaded once"),
    context,
  );
});
