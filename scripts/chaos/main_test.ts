import assert from "node:assert/strict";
import { parseChaosFlags } from "./main.ts";

Deno.test("parseChaosFlags() reads whole numbers over the defaults", () => {
  assert.deepEqual(parseChaosFlags(["--tasks", "500", "--seed=7", "--hub-kill-every-ms", "0"]), {
    tasks: 500,
    workers: 6,
    hubs: 2,
    seed: 7,
    ttlMs: 2_000,
    workerKillEveryMs: 2_000,
    hubKillEveryMs: 0,
    timeoutS: 900,
  });
});

Deno.test("parseChaosFlags() names every bad flag and value at once, then every flag", () => {
  assert.throws(() => parseChaosFlags(["--nope", "--tasks", "many", "--workers=0"]), {
    name: "TypeError",
    message: [
      'Unknown option "--nope"',
      '--tasks needs a whole number, not "many"',
      "--workers must be at least 1, not 0",
      "Usage: deno task chaos [--tasks 5000] [--workers 6] [--hubs 2] [--seed 42] " +
      "[--ttl-ms 2000] [--worker-kill-every-ms 2000] [--hub-kill-every-ms 10000] [--timeout-s 900] " +
      "[--db libsql|postgres] [--targets s3,sql]",
    ].join("\n"),
  });
});

Deno.test("parseChaosFlags() takes --db postgres, and names a database it does not know", () => {
  assert.equal(parseChaosFlags(["--db", "postgres"]).db, "postgres");
  assert.equal(parseChaosFlags([]).db, undefined);
  assert.throws(
    () => parseChaosFlags(["--db=mysql"]),
    /--db must be libsql or postgres, not "mysql"/,
  );
});

Deno.test("parseChaosFlags() takes --targets s3,sql, and names a store it does not know", () => {
  assert.deepEqual(parseChaosFlags(["--targets", "s3,sql"]).targets, ["s3", "sql"]);
  assert.deepEqual(parseChaosFlags(["--targets=sql"]).targets, ["sql"]);
  assert.equal(parseChaosFlags([]).targets, undefined);
  assert.throws(
    () => parseChaosFlags(["--targets", "s3,gcs"]),
    /--targets takes s3 and sql, not "gcs"/,
  );
});
