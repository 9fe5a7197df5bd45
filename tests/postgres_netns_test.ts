/**
 * Hubs on separate hosts: PostgreSQL, two hubs and the workers each in a
 * network namespace of their own (`testing/netns.ts`), so every hub reaches
 * the database over a real network path and the workers reach the hubs over
 * TLS with a CA the test made. One hub's link is cut for longer than the
 * lease TTL (its workers move to the other hub); later that other hub is
 * SIGKILLed (they move back). Every task is published exactly once and the
 * invariant checker is clean. The test reaches into the namespaces through a
 * relay process (`testing/netns_relay.ts`): nothing is configured outside them.
 */
import assert from "node:assert/strict";
import { canMakeNamespaces, createTestNetwork } from "../testing/netns.ts";
import { startRelay } from "../testing/netns_relay_client.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { startPostgres } from "../testing/postgres.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnCrossedWorkers } from "./fixtures/crossed_workers.ts";
import { makeTestCertificates } from "../testing/test_certificates.ts";
import { generateToken } from "../shared/token_format.ts";
import { waitForRun } from "../testing/wait_for_run.ts";

const TASKS = 60;
const TTL_MS = 4_000;

Deno.test({
  name: "hubs on separate hosts over TLS: a link cut past the TTL, a hub killed; every task once",
  fn: async () => {
    assert.ok(
      await canMakeNamespaces(),
      "this test makes network namespaces: it needs root and ip (iproute2; .ci/run installs it)",
    );
    await using net = await createTestNetwork(["db", "hub1", "hub2", "workers"]);
    const dir = await Deno.makeTempDir({ prefix: "drover-netns-" });
    try {
      const tls = await makeTestCertificates(`${dir}/tls`, [
        net.address("hub1"),
        net.address("hub2"),
      ]);
      await using pg = await startPostgres({
        name: "netns",
        netns: net.ns("db"),
        hba: [`host all all ${net.address("db").replace(/\.\d+$/, ".0")}/24 trust`],
      });
      const dbUrl = `postgres://drover@${net.address("db")}:${pg.port}/drover`;
      await using relay = startRelay(net.ns("workers"), tls.caFile);
      const adminToken = generateToken().token;
      const hub = (name: "hub1" | "hub2") =>
        spawnHub({
          dbUrl,
          hubId: name,
          adminToken,
          leaseTtlMs: TTL_MS,
          tls,
          netns: net.ns(name),
          host: net.address(name),
          apiFetch: relay.fetch,
        });
      const hub1 = await hub("hub1");
      await using hub2 = await hub("hub2");
      await using workers = await spawnCrossedWorkers(hub1, hub2, dir, {
        slots: 2,
        netns: net.ns("workers"),
        env: { DROVER_HUB_CA_FILE: tls.caFile },
      });
      const { w1, w2 } = workers;
      const published = () =>
        [...hub1.lines, ...hub2.lines].filter((l) => l.msg === "task published").length;

      const { runId } = await hub1.api.submit("SleepAll", { n: TASKS, ms: 1_500 });
      await pollUntil("five completions", () => published() >= 5 || undefined);
      // hub2 off the network for twice the TTL: w2 moves to hub1, hub2's leases expire.
      const moved = w2.next((l) => l.msg === "connected to the hub" && l.hubUrl === hub1.url);
      await net.cut("hub2");
      await moved;
      await new Promise((resolve) => setTimeout(resolve, 2 * TTL_MS));
      await net.restore("hub2");
      await pollUntil(
        "hub2 to be ready again",
        async () =>
          (await hub2.api.request("/readyz").catch(() => ({ status: 0 }))).status === 200 ||
          undefined,
      );
      const status = await hub2.api.get<{ state: string }>(`/api/runs/${runId}`);
      assert.equal(status.state, "running", "the run outlasts the cut");
      // Then hub1 dies: both workers end on hub2.
      const back = w1.next((l) => l.msg === "connected to the hub" && l.hubUrl === hub2.url);
      hub1.kill("SIGKILL");
      assert.equal((await hub1.stop()).signal, "SIGKILL");
      await back;

      const run = await waitForRun(hub2.api, runId, { timeoutMs: 90_000 });
      assert.equal(run.state, "done");
      assert.equal(run.total, TASKS + 1);
      await w1.stop();
      await w2.stop();
      await hub2.stop();
      assert.deepEqual(await relay.invariants(dbUrl), []);
      const rows = await relay.sql<{ n: number; tasks: number }>(
        dbUrl,
        "SELECT count(*)::int AS n, count(DISTINCT task_id)::int AS tasks FROM publications",
      );
      assert.deepEqual(rows, [{ n: TASKS + 1, tasks: TASKS + 1 }], "every task published once");
    } finally {
      await removeTree(dir);
    }
  },
});
