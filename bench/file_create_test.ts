import assert from "node:assert/strict";
import {
  describeStartProbe,
  measureFileCreate,
  PROBE_FILES,
  SLOW_FILE_CREATE_US,
} from "./file_create.ts";

Deno.test("measureFileCreate() gives a CPU cost per file and leaves its probe files in place", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-probe-" });
  try {
    const us = measureFileCreate(`${dir}/p`, 20);
    assert.ok(Number.isFinite(us) && us >= 0);
    assert.equal([...Deno.readDirSync(`${dir}/p`)].length, 20);
    assert.ok(PROBE_FILES >= 100);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("describeStartProbe() warns only when a new file is slow to create", () => {
  assert.doesNotMatch(describeStartProbe(SLOW_FILE_CREATE_US), /Warning/);
  const slow = describeStartProbe(1_200);
  assert.match(slow, /^At the start, a new small file cost 1200 µs/);
  assert.match(slow, /Warning: that is slow/);
});
