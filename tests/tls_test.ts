/**
 * A hub given a certificate and key serves HTTPS and WSS itself. Workers and
 * the CLI trust a private CA from `DROVER_HUB_CA_FILE`; a worker that does
 * not trust the hub's certificate says so in one line and exits 2, instead
 * of reconnecting forever.
 */
import assert from "node:assert/strict";
import { runWorkerToExit } from "./fixtures/run_worker_to_exit.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { makeTestCertificates } from "../testing/test_certificates.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { createWorkerToken } from "../testing/create_worker_token.ts";
import { drover } from "./fixtures/drover.ts";
import { testDbUrl } from "../testing/postgres.ts";

Deno.test("a hub with a certificate serves HTTPS and WSS to the workers and CLI that trust its CA", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-tls-" });
  try {
    const certs = await makeTestCertificates(`${dir}/certs`);
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir), tls: certs });
    assert.match(hub.url, /^https:\/\/127\.0\.0\.1:\d+$/);

    await t.step("plain HTTP on its port gets no answer", async () => {
      const plain = hub.url.replace("https:", "http:");
      await assert.rejects(fetch(`${plain}/healthz`, { signal: AbortSignal.timeout(10_000) }));
    });

    await t.step("a worker given the CA connects over WSS and runs a run", async () => {
      await using _worker = await spawnWorker({
        hub,
        entry: "tests/fixtures/worker.ts",
        dataDir: `${dir}/data`,
        stateDir: `${dir}/worker`,
        env: { DROVER_HUB_CA_FILE: certs.caFile },
      });
      const { runId } = await hub.api.submit("AggregateShards", { totalShards: 2 });
      const run = await waitForRun(hub.api, runId);
      assert.equal(run.state, "done");
      assert.deepEqual(run.counts, { done: 3 });
    });

    await t.step("the CLI reads the hub with DROVER_HUB_CA_FILE", async () => {
      const result = await drover(hub, ["workers", "--json"], 30_000, hub.adminToken, {
        DROVER_HUB_CA_FILE: certs.caFile,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(Array.isArray(JSON.parse(result.stdout).workers), result.stdout);
    });

    await t.step("the CLI without the CA says the certificate was rejected", async () => {
      const result = await drover(hub, ["workers"]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /TLS certificate rejected \(set DROVER_HUB_CA_FILE/);
    });

    await t.step("a worker without the CA says so in one line and exits 2", async () => {
      const token = await createWorkerToken(hub.api, { name: "untrusting" });
      const { code, lines } = await runWorkerToExit({
        DROVER_HUB_URL: hub.url,
        DROVER_WORKER_TOKEN: token,
        DROVER_WORKER_STATE_DIR: `${dir}/untrusting`,
      });
      assert.equal(code, 2, lines.join("\n"));
      assert.equal(
        lines.at(-1),
        `The hub at ${hub.url} presented a TLS certificate this worker does not trust (invalid ` +
          "peer certificate: UnknownIssuer); set DROVER_HUB_CA_FILE to a PEM file holding the " +
          "CA that signed it, or check that the hub URL's host is a name the certificate covers",
      );
      assert.equal(lines.filter((l) => !l.startsWith("{")).length, 1, "one plain line");
    });

    await t.step("a worker whose CA file holds no certificate exits 2 naming it", async () => {
      const { code, lines } = await runWorkerToExit({
        DROVER_HUB_URL: hub.url,
        DROVER_HUB_CA_FILE: certs.keyFile,
        DROVER_WORKER_STATE_DIR: `${dir}/bad-ca`,
      });
      assert.equal(code, 2);
      assert.equal(
        lines.at(-1),
        `DROVER_HUB_CA_FILE=${certs.keyFile} holds no PEM certificate (a "-----BEGIN ` +
          `CERTIFICATE-----" block): give the CA that signed the hub's certificate`,
      );
    });
  } finally {
    await removeTree(dir);
  }
});
