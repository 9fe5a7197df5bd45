/**
 * A webhook end to end: created with the real CLI on a real hub, a signed
 * delivery over HTTP starts one run that a worker runs to done; the same
 * delivery again starts none; a forged one is refused.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { testDbUrl } from "../testing/postgres.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { drover } from "./fixtures/drover.ts";

Deno.test("a signed delivery to a webhook runs once; a repeat is absorbed, a forgery refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-hooks-" });
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    await using _worker = await spawnWorker({ hub, dataDir: `${dir}/data`, stateDir: `${dir}/w` });
    const created = await drover(hub, [
      "hook",
      "create",
      "release",
      "ExtractRaw",
      "--map",
      "runDate=/release/day",
      "--json",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const { secret, url } = JSON.parse(created.stdout);
    const send = (secretUsed: string, delivery: string) => {
      const body = JSON.stringify({ release: { day: "2026-12-01" } });
      const signature = createHmac("sha256", secretUsed).update(body).digest("hex");
      return fetch(`${hub.url}${url}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": `sha256=${signature}`,
          "x-github-delivery": delivery,
        },
        body,
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
    };
    const first = await send(secret, "d-1");
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.duplicate, false);
    const run = await waitForRun(hub.api, first.body.runId);
    assert.equal(run.state, "done");
    const again = await send(secret, "d-1");
    assert.deepEqual(again.body, { ...first.body, duplicate: true });
    const forged = await send("not-the-secret", "d-2");
    assert.deepEqual([forged.status, forged.body.code], [403, "bad_signature"]);
    const listed = await drover(hub, ["hook", "list"]);
    assert.match(listed.stdout, /^release +ExtractRaw +runDate=\/release\/day/m);
    const audit = await drover(hub, ["audit", "--action", "hook.deliver", "--json"]);
    const outcomes = JSON.parse(audit.stdout).entries.map((e: { outcome: string }) => e.outcome);
    assert.deepEqual(outcomes.toSorted(), ["denied", "ok", "ok"]);
  } finally {
    await removeTree(dir);
  }
});
