/**
 * A schedule on three hub processes sharing one database (a libSQL file, or
 * PostgreSQL under `deno task test:postgres`), each SIGKILLed and restarted
 * in turn while the schedule fires every second: every nominal time between
 * the first and the last has exactly one run. The schedule is created and
 * paused through the real CLI.
 */
import assert from "node:assert/strict";
import { generateToken } from "../shared/token_format.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { testDbUrl } from "../testing/postgres.ts";
import { readDatabase } from "../testing/read_database.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { type HubProcess, spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { drover } from "./fixtures/drover.ts";

Deno.test("three hubs fire each time of a schedule once while each is SIGKILLed in turn", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-schedules-" });
  const dbUrl = await testDbUrl(dir);
  const adminToken = generateToken().token;
  const start = (name: string) => spawnHub({ dbUrl, hubId: name, adminToken, leaseTtlMs: 2_000 });
  const hubs: HubProcess[] = [];
  const nominalTimes = () =>
    readDatabase(dbUrl, async (query) =>
      (await query<{ at: number }>(
        "SELECT nominal_at AS at FROM runs WHERE schedule_id IS NOT NULL ORDER BY nominal_at",
      )).map((r) => Number(r.at)));
  try {
    for (const name of ["hub-a", "hub-b", "hub-c"]) hubs.push(await start(name));
    // A worker registers ExtractRaw (its runDate comes from each time), then leaves:
    // the runs need not run for the schedule to fire them.
    const worker = await spawnWorker({
      hub: hubs[0]!,
      dataDir: `${dir}/data`,
      stateDir: `${dir}/w`,
    });
    const created = await drover(hubs[0]!, [
      "schedule",
      "create",
      "tick",
      "ExtractRaw",
      "--every",
      "1s",
      "--time-param",
      "runDate=date",
      "--catch-up",
      "all:1h:1000",
      "--overlap",
      "allow",
      "--json",
    ]);
    assert.equal(created.code, 0, created.stderr);
    await worker.stop();
    for (let round = 0; round < 6; round++) {
      // Once the schedule has fired again, kill a hub (a different one each round).
      const before = (await nominalTimes()).length;
      await pollUntil(
        `a fire after round ${round}`,
        async () => (await nominalTimes()).length > before ? true : undefined,
        { timeoutMs: 20_000 },
      );
      const i = round % 3;
      hubs[i]!.kill("SIGKILL");
      await hubs[i]!.stop();
      hubs[i] = await start(`hub-${"abc"[i]}`);
    }
    const paused = await drover(hubs[1]!, ["schedule", "pause", "tick", "--reason", "test over"]);
    assert.equal(paused.code, 0, paused.stderr);
    const times = await nominalTimes();
    // Each round waited for one more fire.
    assert.ok(times.length >= 6, `${times.length} runs`);
    assert.equal(new Set(times).size, times.length, "a nominal time fired twice");
    const gaps = times.slice(1).map((t, k) => t - times[k]!).filter((d) => d !== 1_000);
    assert.deepEqual(gaps, [], "every second from the first to the last fired once");
  } finally {
    await Promise.all(hubs.map((h) => h.stop()));
    await removeTree(dir);
  }
});
