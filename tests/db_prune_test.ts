/**
 * `drover db prune` against a real hub: a finished run
 * whose rows were aged past DROVER_RUN_RETENTION is counted by the dry run,
 * deleted by the pass, and a run still going is untouched and finishes.
 * The hub runs in its own process with its own clock, so the test ages the
 * stored rows instead (40 days back), with plain SQL of its own (on libSQL,
 * or on PostgreSQL under `deno task test:postgres`).
 */
import assert from "node:assert/strict";
import { readDatabase } from "../testing/read_database.ts";
import { startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { drover } from "./fixtures/drover.ts";

const AGE = 40 * 86_400_000;

Deno.test("drover db prune --dry-run counts an old finished run's rows; drover db prune deletes them and leaves a live run alone", async () => {
  await using c = await startCluster({
    name: "db-prune",
    workerEntry: "tests/fixtures/worker.ts",
    workers: [{ name: "w", slots: 4 }],
  });
  const old = await c.api.submit("SleepAll", { group: "old", n: 20 });
  assert.equal((await waitForRun(c.api, old.runId, { timeoutMs: 60_000 })).state, "done");
  const live = await c.api.submit("Gate", { id: "prune-live" });

  await readDatabase(c.dbUrl, async (query) => {
    await query(
      "UPDATE runs SET created_at = created_at - ?, finished_at = finished_at - ? WHERE id = ?",
      [AGE, AGE, old.runId],
    );
    await query(
      "UPDATE tasks SET updated_at = updated_at - ? WHERE family IN ('SleepAll', 'Sleep')",
      [
        AGE,
      ],
    );
  });

  const dry = await drover(c.hub, ["db", "prune", "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^Retention: finished runs kept 30d, audit entries kept 400d/);
  assert.match(dry.stdout, /\n {2}runs {11}1\n/);
  assert.match(dry.stdout, /\n {2}tasks {10}21\n/);
  assert.match(dry.stdout, /Nothing was deleted/);
  const json = JSON.parse((await drover(c.hub, ["db", "prune", "--dry-run", "--json"])).stdout);
  assert.equal(json.wouldDelete.tasks, 21);
  assert.ok(json.wouldDelete.attempts >= 21, JSON.stringify(json));
  assert.equal(
    (await c.api.request(`/api/runs/${old.runId}`)).status,
    200,
    "a dry run deletes nothing",
  );

  const pass = await drover(c.hub, ["db", "prune", "--json"]);
  assert.equal(pass.code, 0, pass.stderr);
  const report = JSON.parse(pass.stdout);
  assert.equal(report.runs, 1);
  assert.equal(report.tasks, 21);
  assert.equal(report.finished, true);
  assert.equal(
    report.attempts,
    json.wouldDelete.attempts,
    "the pass deleted what the dry run counted",
  );
  assert.equal((await c.api.request(`/api/runs/${old.runId}`)).status, 404);

  await Deno.mkdir(`${c.dataDir}/gates`, { recursive: true });
  await Deno.writeTextFile(`${c.dataDir}/gates/prune-live`, "");
  assert.equal((await waitForRun(c.api, live.runId, { timeoutMs: 60_000 })).state, "done");
  const after = await drover(c.hub, ["db", "prune"]);
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stdout, /\n {2}tasks {10}0\n/);
  assert.match(after.stdout, /Nothing past its retention is left\./);
  const audit = await c.api.get<{ entries: Array<{ action: string; outcome: string }> }>(
    "/api/audit?action=db.prune",
  );
  assert.deepEqual(audit.entries.map((e) => e.outcome), ["ok", "ok"]);
});
