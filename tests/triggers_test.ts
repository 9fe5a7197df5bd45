/**
 * A JetStream trigger end to end: a real `nats-server`, a hub process on a
 * libSQL file (or PostgreSQL under `deno task test:postgres`), the trigger
 * made with the real CLI. 1,000 messages are published in three parts while
 * the hub is SIGKILLed twice mid-stream:
 * - once frozen (SIGSTOP) until the broker has messages out to it
 *   unacknowledged, which must be delivered again;
 * - once after its acknowledgements were lost on the way (a relay between
 *   hub and broker swallows them) while it went on committing runs: those
 *   messages come back, and each must find the run it made.
 * Every message makes exactly one run: nothing lost, nothing doubled.
 */
import assert from "node:assert/strict";
import { generateToken } from "../shared/token_format.ts";
import { NatsClient, startNats } from "../testing/nats.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { testDbUrl } from "../testing/postgres.ts";
import { readDatabase } from "../testing/read_database.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { type HubProcess, spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import { startTcpGate } from "../testing/tcp_gate.ts";
import { drover } from "./fixtures/drover.ts";

const MESSAGES = 1_000;
const day = (i: number) =>
  new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

Deno.test("1,000 messages make exactly 1,000 runs while the hub is SIGKILLed mid-stream", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-triggers-" });
  const dbUrl = await testDbUrl(dir);
  const adminToken = generateToken().token;
  const start = () => spawnHub({ dbUrl, hubId: "hub-t", adminToken, leaseTtlMs: 2_000 });
  let hub: HubProcess | null = null;
  await using nats = await startNats({ dir: `${dir}/nats` });
  await using client = await NatsClient.connect(nats.server);
  // The hub reaches the broker through a relay that can lose what the hub sends.
  await using gate = startTcpGate(nats.server);
  const runDays = () =>
    readDatabase(dbUrl, async (query) =>
      (await query<{ params: string; submitted_by: string }>(
        "SELECT params, submitted_by FROM runs",
      )).map((r) => ({ day: JSON.parse(r.params).runDate as string, by: r.submitted_by })));
  const publish = async (from: number, to: number) => {
    for (let i = from; i < to; i++) await client.publish(`orders.${i % 3}`, { day: day(i) });
  };
  /** Freezes the hub until the broker has messages out to it, then kills it. */
  const killFrozen = async () => {
    hub!.kill("SIGSTOP");
    const out = await pollUntil("messages out to the frozen hub", async () => {
      const c = await client.consumer("ORDERS", "drover-orders");
      return c && c.ackPending > 0 ? c.ackPending : undefined;
    });
    hub!.kill("SIGKILL");
    await hub!.stop();
    return out;
  };
  try {
    await client.addStream("ORDERS", ["orders.>"]);
    hub = await start();
    // A worker registers ExtractRaw, then leaves: the runs need not run.
    const worker = await spawnWorker({ hub, dataDir: `${dir}/data`, stateDir: `${dir}/w` });
    const created = await drover(hub, [
      "trigger",
      "create",
      "orders",
      "ExtractRaw",
      "--jetstream",
      "ORDERS",
      "--server",
      gate.address,
      "--subject",
      "orders.>",
      "--ack-wait",
      "1s",
      "--batch",
      "50",
      "--map",
      "runDate=/day",
      "--json",
    ]);
    assert.equal(created.code, 0, created.stderr);
    await worker.stop();

    await publish(0, 400);
    await pollUntil("150 runs", async () => (await runDays()).length >= 150 || undefined);
    const outFirst = await killFrozen();
    await publish(400, 700); // while the hub is down
    hub = await start();
    await pollUntil("500 runs", async () => (await runDays()).length >= 500 || undefined);
    // Its acknowledgements are lost from now on; once it has committed more runs, kill it.
    gate.close();
    const runsAtClose = (await runDays()).length;
    await pollUntil(
      "runs committed after the gate closed",
      async () => (await runDays()).length > runsAtClose || undefined,
    );
    const outSecond = await killFrozen();
    gate.cut();
    gate.open();
    hub = await start();
    await publish(700, MESSAGES);
    const done = await pollUntil("every message acknowledged", async () => {
      const c = await client.consumer("ORDERS", "drover-orders");
      return c && c.pending === 0 && c.ackPending === 0 ? c : undefined;
    }, { timeoutMs: 60_000 });

    const runs = await runDays();
    assert.equal(runs.length, MESSAGES, "one run a message");
    assert.deepEqual(
      runs.map((r) => r.day).toSorted(),
      Array.from({ length: MESSAGES }, (_, i) => day(i)),
      "every day once",
    );
    assert.ok(runs.every((r) => r.by === "trigger:orders"));
    // The messages out to the killed hubs were delivered again (some of those counted
    // out may have been acknowledged on their way still: no exact figure).
    assert.ok(done.deliveries > MESSAGES, `${done.deliveries} deliveries`);
    const shown = await drover(hub, ["trigger", "show", "orders", "--json"]);
    const { status } = JSON.parse(shown.stdout);
    console.log(
      `${MESSAGES} messages, ${done.deliveries} deliveries; out at the kills: ${outFirst}, ` +
        `${outSecond}; the last hub made ${status.accepted} runs and found ${status.duplicates}`,
    );
    // Acknowledged runs whose acknowledgement was lost came back and found their run.
    assert.ok(status.duplicates > 0, "a redelivered message found its run");
    const listed = await drover(hub, ["trigger", "list"]);
    assert.match(listed.stdout, /^orders +jetstream ORDERS orders\.> +ExtractRaw +runDate=\/day/m);
  } finally {
    await hub?.stop();
    await removeTree(dir);
  }
});
