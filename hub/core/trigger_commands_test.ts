/**
 * A JetStream trigger through the app, against a real `nats-server`: each
 * message makes one run with parameters from its payload, and is acknowledged
 * only after that; a redelivered message finds its run; a bad message is
 * rejected for good; pausing stops consuming, resuming goes on where it was;
 * deleting removes the durable consumer the hub made.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { NatsClient, startNats } from "../../testing/nats.ts";
import { delay } from "../../shared/delay.ts";
import { Load } from "../http/test_role_table.ts";
import { type TestApp, testApp } from "../test_app.ts";
import { pauseTrigger, resumeTrigger } from "../ops/triggers.ts";
import { openSource } from "../triggers/open_source.ts";
import type { TriggerSource } from "../triggers/trigger_source.ts";

const json = { "content-type": "application/json" };

async function request(t: TestApp, method: string, path: string, body?: unknown) {
  const res = await t.app.request(path, {
    method,
    headers: json,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const runs = (t: TestApp) =>
  t.core.read((db) =>
    db.all<{ id: string; params: string; submitted_by: string }>(
      sql`SELECT id, params, submitted_by FROM runs ORDER BY params`,
    )
  );

const status = async (t: TestApp, name = "orders") =>
  (await request(t, "GET", `/api/triggers/${name}`)).body.status;

/** Asks `probe` every 50 ms until it gives a value (20 s at most). */
async function pollUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await delay(50)) {
    const value = await probe();
    if (value !== undefined) return value;
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** The trigger's status, once its consumer on this hub is in `state`. */
const inState = (t: TestApp, state: string, name = "orders") =>
  pollUntil(`the ${state} state of ${name}`, async () => {
    const s = await status(t, name);
    return s.state === state ? s : undefined;
  });

const day = (i: number) => `2026-11-${String(i).padStart(2, "0")}`;

Deno.test("a JetStream trigger: one run a message, acknowledged after commit; pause, resume, delete", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-trigger-" });
  let nats = await startNats({ dir });
  await using client = await NatsClient.connect(nats.server);
  await client.addStream("ORDERS", ["orders.>"]);
  // Acknowledgements the test holds back, to force redeliveries.
  let dropAcks = 0;
  await using app = await testApp([Load], {
    openTriggerSource: (name, stored, clientName): TriggerSource => {
      const source = openSource(name, stored, clientName);
      return {
        ...source,
        open: () => source.open(),
        lag: () => source.lag(),
        close: () => source.close(),
        remove: () => source.remove(),
        fetch: async (max, waitMs) =>
          (await source.fetch(max, waitMs)).map((m) => ({
            ...m,
            ack: () => dropAcks > 0 ? void dropAcks-- : m.ack(),
          })),
      };
    },
  });
  try {
    await client.publish("orders.eu", { day: day(1) }); // before the trigger: all of it is read
    const created = await request(app, "POST", "/api/triggers", {
      name: "orders",
      source: {
        kind: "jetstream",
        servers: [nats.server],
        stream: "ORDERS",
        subject: "orders.>",
        deliver: "all",
        ackWaitMs: 1_000,
      },
      family: "Load",
      mapping: { day: "/day" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.source.batch, 100);

    await t.step("each message makes one run, with its parameters", async () => {
      for (let i = 2; i <= 10; i++) await client.publish("orders.eu", { day: day(i) });
      await pollUntil("10 runs", async () => (await runs(app)).length === 10 || undefined);
      const all = await runs(app);
      assert.deepEqual(
        all.map((r) => JSON.parse(r.params).day),
        Array.from({ length: 10 }, (_, i) => day(i + 1)),
      );
      assert.ok(all.every((r) => r.submitted_by === "trigger:orders"));
      const consumer = await pollUntil(
        "every message acknowledged",
        async () => {
          const c = await client.consumer("ORDERS", "drover-orders");
          return c?.ackPending === 0 ? c : undefined;
        },
      );
      assert.equal(consumer.pending, 0);
    });

    await t.step("a message redelivered finds its run: no second", async () => {
      dropAcks = 1;
      await client.publish("orders.eu", { day: day(11) });
      await pollUntil(
        "the redelivery",
        async () => (await status(app)).duplicates === 1 || undefined,
      );
      assert.equal((await runs(app)).length, 11);
      const s = await status(app);
      assert.deepEqual([s.state, s.accepted, s.duplicates], ["consuming", 11, 1]);
    });

    await t.step("a message that cannot make a run is rejected for good", async () => {
      await client.publishRaw("orders.eu", new TextEncoder().encode("not json"));
      await client.publish("orders.eu", { other: 1 });
      await client.publish("orders.eu", { day: "not a day" });
      await pollUntil("3 rejected", async () => (await status(app)).rejected === 3 || undefined);
      assert.equal((await runs(app)).length, 11);
      await pollUntil(
        "the rejections reach the broker",
        async () =>
          (await client.consumer("ORDERS", "drover-orders"))?.ackPending === 0 || undefined,
      );
    });

    await t.step("paused, nothing is consumed; resumed, it goes on where it was", async () => {
      const paused = await request(app, "POST", "/api/triggers/orders/pause", {
        reason: "upgrade",
      });
      assert.equal(paused.status, 200);
      assert.deepEqual(paused.body.paused.reason, "upgrade");
      assert.equal(paused.body.status.state, "paused");
      for (let i = 12; i <= 14; i++) await client.publish("orders.eu", { day: day(i) });
      const waiting = await client.consumer("ORDERS", "drover-orders");
      assert.deepEqual([waiting?.pending, waiting?.ackPending], [3, 0]);
      assert.equal((await runs(app)).length, 11);
      const resumed = await request(app, "POST", "/api/triggers/orders/resume");
      assert.equal(resumed.body.paused, null);
      await pollUntil("14 runs", async () => (await runs(app)).length === 14 || undefined);
    });

    await t.step("its figures are in /metrics", async () => {
      await pollUntil(
        "the lag measured",
        async () => (await status(app)).pending === 0 || undefined,
      );
      const metrics = await (await app.app.request("/metrics")).text();
      assert.match(
        metrics,
        /^drover_trigger_messages_total\{trigger="orders",outcome="run"\} 14$/m,
      );
      assert.match(
        metrics,
        /^drover_trigger_messages_total\{trigger="orders",outcome="rejected"\} 3$/m,
      );
      assert.match(metrics, /^drover_trigger_up\{trigger="orders"\} 1$/m);
      assert.match(metrics, /^drover_trigger_pending_messages\{trigger="orders"\} 0$/m);
    });

    await t.step("bad settings are refused with the field named", async () => {
      const bad = await request(app, "POST", "/api/triggers", {
        name: "bad",
        source: { kind: "jetstream", servers: [nats.server], stream: "OR DERS" },
        family: "Load",
        mapping: { nope: "/day" },
      });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /stream/);
      const unknownParam = await request(app, "POST", "/api/triggers", {
        name: "bad",
        source: { kind: "jetstream", servers: [nats.server], stream: "ORDERS" },
        family: "Load",
        mapping: { nope: "/day" },
      });
      assert.deepEqual([unknownParam.status, unknownParam.body.field], [400, "mapping.nope"]);
      const taken = await request(app, "POST", "/api/triggers", {
        name: "orders",
        source: { kind: "jetstream", servers: [nats.server], stream: "ORDERS" },
        family: "Load",
      });
      assert.equal(taken.status, 409);
    });

    await t.step("a missing stream is a failing state that names it", async () => {
      const created = await request(app, "POST", "/api/triggers", {
        name: "nowhere",
        source: { kind: "jetstream", servers: [nats.server], stream: "NOWHERE" },
        family: "Load",
        mapping: { day: "/day" },
      });
      assert.equal(created.status, 201);
      const failing = await inState(app, "failing", "nowhere");
      assert.match(failing.error, /JetStream has no stream "NOWHERE"/);

      // Another hub pauses it: this hub's consumer, looking after its next
      // failure, finds it not wanted and ends of itself (no sync here saw it).
      const consuming = () => app.core.triggers.statuses().some((s) => s.name === "nowhere");
      await app.core.queue.write((tx) => pauseTrigger(tx, "nowhere", "elsewhere", Date.now()));
      await pollUntil(
        "the consumer to end of itself",
        () => Promise.resolve(consuming() ? undefined : true),
      );
      // Resumed there before this hub's next sync: that sync starts it again.
      await app.core.queue.write((tx) => resumeTrigger(tx, "nowhere", Date.now()));
      await app.core.triggers.sync();
      assert.ok(consuming(), "a consumer again");
      assert.match((await inState(app, "failing", "nowhere")).error, /no stream "NOWHERE"/);
      assert.equal((await request(app, "DELETE", "/api/triggers/nowhere")).status, 200);
    });

    await t.step(
      "settings this hub cannot read: failing, named, and down in /metrics",
      async () => {
        const body = {
          name: "odd",
          source: { kind: "jetstream", servers: [nats.server], stream: "NOWHERE" },
          family: "Load",
          mapping: { day: "/day" },
          paused: true,
        };
        assert.equal((await request(app, "POST", "/api/triggers", body)).status, 201);
        // As a newer hub might have stored it: a kind this one does not know.
        await app.core.queue.write((tx) =>
          tx.run(sql`UPDATE triggers SET source = '{"kind":"kafka"}' WHERE name = 'odd'`)
        );
        assert.equal((await request(app, "POST", "/api/triggers/odd/resume")).status, 200);
        const odd = await inState(app, "failing", "odd");
        assert.match(odd.error, /Trigger "odd" has settings this hub cannot read/);
        const metrics = await (await app.app.request("/metrics")).text();
        assert.match(metrics, /^drover_trigger_up\{trigger="odd"\} 0$/m);
        assert.equal((await request(app, "DELETE", "/api/triggers/odd")).status, 200);
        assert.ok(!app.core.triggers.statuses().some((s) => s.name === "odd"));
      },
    );

    await t.step(
      "the broker killed and back: the trigger fails, then goes on by itself",
      async () => {
        nats.kill("SIGKILL");
        await nats.stop();
        await inState(app, "failing");
        nats = await startNats({ dir, port: nats.port });
        // The test's own client reconnects, and JetStream has its stream back.
        await pollUntil(
          "the stream back",
          async () =>
            await client.consumer("ORDERS", "drover-orders").catch(() => null) ?? undefined,
        );
        await client.publish("orders.eu", { day: day(15) });
        await pollUntil("15 runs", async () => (await runs(app)).length === 15 || undefined);
        assert.equal((await status(app)).state, "consuming");
      },
    );

    await t.step("deleted, its consumer goes from the broker; its runs stay", async () => {
      const deleted = await request(app, "DELETE", "/api/triggers/orders");
      assert.deepEqual(deleted.body, { name: "orders", deleted: true });
      assert.equal(await client.consumer("ORDERS", "drover-orders"), null);
      assert.equal((await runs(app)).length, 15);
      assert.equal((await request(app, "GET", "/api/triggers/orders")).status, 404);
    });
  } finally {
    await nats.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a trigger on a NATS server that wants a token reads it from the hub's environment", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-trigger-auth-" });
  const nats = await startNats({ dir, token: "s3cret-token" });
  await using client = await NatsClient.connect(nats.server, "s3cret-token");
  await client.addStream("ORDERS", ["orders.>"]);
  await using app = await testApp([Load]);
  Deno.env.delete("DROVER_TEST_NATS_TOKEN");
  try {
    const created = await request(app, "POST", "/api/triggers", {
      name: "orders",
      source: {
        kind: "jetstream",
        servers: [nats.server],
        stream: "ORDERS",
        auth: { kind: "token", env: "DROVER_TEST_NATS_TOKEN" },
      },
      family: "Load",
      mapping: { day: "/day" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const failing = await inState(app, "failing");
    assert.match(failing.error, /DROVER_TEST_NATS_TOKEN is not set on this hub/);
    Deno.env.set("DROVER_TEST_NATS_TOKEN", "s3cret-token");
    await inState(app, "consuming");
    await client.publish("orders.eu", { day: day(1) });
    await pollUntil("the run", async () => (await runs(app)).length === 1 || undefined);
    const bad = await request(app, "POST", "/api/triggers", {
      name: "bad",
      source: {
        kind: "jetstream",
        servers: [nats.server],
        stream: "ORDERS",
        auth: { kind: "token", env: "not a name" },
      },
      family: "Load",
    });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /environment variable/);
  } finally {
    Deno.env.delete("DROVER_TEST_NATS_TOKEN");
    await app.core.triggers.stop();
    await nats.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
