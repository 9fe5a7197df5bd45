/**
 * `drover db backup FILE` against a real hub on a file database while a run
 * goes: the copy is a whole database (integrity check, every table, the
 * run's tasks), the hub goes on, and what cannot be backed up says why.
 */
import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { drover } from "./fixtures/drover.ts";

Deno.test("drover db backup copies the database while a run goes, and refuses what it cannot do", async () => {
  await using c = await startCluster({
    name: "db-backup",
    workerEntry: "tests/fixtures/worker.ts",
    workers: [{ name: "w", slots: 2 }],
  });
  const { runId } = await c.api.submit("SleepAll", { n: 200, ms: 5 });
  const file = `${c.dir}/backup.db`;
  const made = await drover(c.hub, ["db", "backup", file]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(
    made.stdout,
    /^Backed up to .*backup\.db on the hub's machine: \d+ bytes in \d+ ms\n$/,
  );

  const copy = createClient({ url: `file:${file}`, timeout: 5_000 });
  try {
    const check = await copy.execute("PRAGMA integrity_check");
    assert.equal(check.rows[0]?.[0], "ok");
    const runs = await copy.execute({
      sql: "SELECT count(*) FROM runs WHERE id = ?",
      args: [runId],
    });
    assert.equal(runs.rows[0]?.[0], 1, "the run is in the copy");
    const tokens = await copy.execute("SELECT count(*) FROM tokens");
    assert.ok(Number(tokens.rows[0]?.[0]) >= 1);
  } finally {
    copy.close();
  }
  assert.equal((await waitForRun(c.api, runId, { timeoutMs: 60_000 })).state, "done");

  const again = await drover(c.hub, ["db", "backup", file]);
  assert.equal(again.code, 4);
  assert.match(again.stderr, /exists already: choose a new file/);
  const relative = await drover(c.hub, ["db", "backup", "backup.db"]);
  assert.equal(relative.code, 2);
  assert.match(relative.stderr, /FILE must be an absolute path on the hub's machine/);
  const audit = await c.api.get<{ entries: Array<{ action: string; outcome: string }> }>(
    "/api/audit?action=db.backup",
  );
  assert.deepEqual(audit.entries.map((e) => e.outcome).sort(), ["failed", "ok"]);
});
