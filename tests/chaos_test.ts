/**
 * The short variant of `deno task chaos` (scripts/chaos/): the same end
 * checks on a run small enough for every `deno task test`.
 */
import assert from "node:assert/strict";
import { formatReport } from "../scripts/chaos/report.ts";
import { runChaos } from "../scripts/chaos/run.ts";

Deno.test("300 tasks under SIGKILLed workers, a SIGKILLed hub, a cut link, a frozen zombie and a stalled link are all done and each is published exactly once", async () => {
  const summary = await runChaos({
    tasks: 300,
    workers: 4,
    hubs: 2,
    seed: 7,
    ttlMs: 1_000,
    workerKillEveryMs: 1_000,
    hubKillEveryMs: 3_000,
    maxHubKills: 1,
    cuts: 1,
    freezes: 1,
    stalls: 1,
    eventsWithinMs: 5_000,
    minTaskMs: 50,
    maxTaskMs: 500,
    timeoutS: 75,
  });
  const table = formatReport(summary);
  assert.deepEqual(summary.failures, [], `\n${table}\nkept in ${summary.dir}`);
  assert.equal(summary.runState, "done", table);
  assert.ok(summary.workerKills >= 1, table);
  assert.equal(summary.hubKills, 1, table);
  assert.equal(summary.cuts.length, 1, table);
  assert.notEqual(summary.cuts[0]!.backAfterMs, null, table);
  const zombie = summary.freezes.find((f) => f.leasesExpired > 0);
  assert.ok(zombie?.evidence, `the frozen worker lost leases and knew it on resuming\n${table}`);
  const stalled = summary.stalls.find((f) => f.leasesExpired > 0);
  assert.ok(
    stalled?.completionsRefused,
    `the stalled worker's late completions were refused\n${table}`,
  );
  assert.equal(summary.publications, 300, table);
  assert.ok(summary.executions >= 300, table);
  assert.deepEqual(summary.invariantViolations, []);
});
