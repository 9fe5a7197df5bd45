/**
 * Protocol 2 against a real hub: the welcome agrees on the version, grants
 * of one claim come in one message, each frame of a worker's batch is
 * answered alone (a bad one is refused alone, naming its result), and the
 * hub fills free slots before prefetch credit.
 */
import assert from "node:assert/strict";
import { familyInfo } from "../shared/family_info.ts";
import type { HubFrame, LeaseGrant } from "../shared/protocol.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { RawWorker } from "./fixtures/raw_worker.ts";
import { createTestTasks } from "./fixtures/tasks.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

const isGrant = (f: HubFrame): f is LeaseGrant => f.type === "lease.grant";

/** The one node a Sleep task's expansion finds: itself, with no requirements. */
const node = (g: LeaseGrant) => ({
  id: g.taskId,
  family: "Sleep",
  version: 1,
  params: g.params,
  expanded: true,
  complete: false,
  deps: [],
});

Deno.test("protocol 2: batches both ways, each frame answered alone, prefetch after free slots", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-batch-" });
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    const { Sleep } = createTestTasks(`${dir}/data`);
    const families = [familyInfo(Sleep)];
    const submit = async (id: number) =>
      (await hub.api.request<{ taskId: string }>("/api/runs", {
        body: { family: "Sleep", params: { id } },
      })).body.taskId;

    const raw = await RawWorker.connect(hub);
    await t.step("a hello offering protocol 2 is welcomed with protocol 2", async () => {
      const welcome = await raw.hello(families, { protocol: 2, slots: 2 });
      assert.ok(welcome.type === "welcome", JSON.stringify(welcome));
      assert.equal(welcome.protocol, 2);
    });

    const ids = [await submit(1), await submit(2)];
    const grants: LeaseGrant[] = [];
    await t.step("the grants of one claim arrive in one message", async () => {
      const before = raw.messages;
      raw.send({ type: "lease.credit", free: 2, grantsSeen: 0, prefetch: 0 });
      grants.push(await raw.next(isGrant) as LeaseGrant, await raw.next(isGrant) as LeaseGrant);
      assert.deepEqual(grants.map((g) => g.taskId).sort(), [...ids].sort());
      assert.equal(raw.messages - before, 1, "two grants, one message");
    });

    await t.step("a batch's bad frame is refused alone; the good one is applied", async () => {
      const [good, bad] = grants as [LeaseGrant, LeaseGrant];
      raw.send({
        type: "batch",
        frames: [
          {
            type: "expand.result",
            taskId: good.taskId,
            epoch: good.epoch,
            key: "x_good_key_1",
            nodes: [node(good)],
          },
          {
            type: "expand.result",
            taskId: bad.taskId,
            epoch: bad.epoch,
            key: "x_bad_key_12",
            nodes: [{ ...node(bad), version: 0 }],
          },
        ],
      });
      const answers = [
        await raw.next((f) => f.type === "task.ack" || f.type === "error"),
        await raw.next((f) => f.type === "task.ack" || f.type === "error"),
      ];
      const ack = answers.find((f) => f.type === "task.ack");
      const error = answers.find((f) => f.type === "error");
      assert.ok(ack?.type === "task.ack" && ack.outcome === "accepted", JSON.stringify(answers));
      assert.equal(ack.taskId, good.taskId);
      assert.ok(error?.type === "error", JSON.stringify(answers));
      assert.equal(error.code, "bad_frame");
      assert.match(error.message, /^Invalid "expand.result" frame: nodes\.0\.version/);
      assert.equal(error.taskId, bad.taskId, "the refusal names the result");
      assert.equal(error.key, "x_bad_key_12");

      // The good task's run follows, in one frame of its own.
      raw.send({ type: "lease.credit", free: 1, grantsSeen: 2, prefetch: 0 });
      const run = await raw.next(isGrant) as LeaseGrant;
      assert.ok(run.kind === "run" && run.taskId === good.taskId);
      raw.send({
        type: "task.complete",
        taskId: run.taskId,
        epoch: run.epoch,
        key: "c_good_key_1",
      });
      const done = await raw.next((f) => f.type === "task.ack");
      assert.ok(done.type === "task.ack" && done.outcome === "accepted", JSON.stringify(done));
    });

    await t.step(
      "a malformed batch is refused with a reason, and the session goes on",
      async () => {
        raw.send({ type: "batch", frames: [] });
        const error = await raw.next((f) => f.type === "error");
        assert.ok(error.type === "error" && error.code === "bad_frame");
        assert.match(error.message, /^Invalid "batch" frame: frames/);
        raw.send({ type: "batch", frames: [{ type: "hello" }] });
        const again = await raw.next((f) => f.type === "error");
        assert.ok(again.type === "error" && again.code === "bad_frame", JSON.stringify(again));
      },
    );

    await t.step("free slots across workers are filled before any prefetch", async () => {
      // Worker A offers no free slot but prefetch; worker B one free slot.
      const a = await RawWorker.connect(hub);
      const b = await RawWorker.connect(hub);
      try {
        assert.equal((await a.hello(families, { protocol: 2, slots: 1 })).type, "welcome");
        assert.equal((await b.hello(families, { protocol: 2, slots: 1 })).type, "welcome");
        a.send({ type: "lease.credit", free: 0, grantsSeen: 0, prefetch: 4 });
        b.send({ type: "lease.credit", free: 1, grantsSeen: 0, prefetch: 0 });
        // A renewal is answered after the credit before it was taken.
        for (const w of [a, b]) {
          w.send({ type: "lease.renew", leases: [] });
          await w.next((f) => f.type === "lease.renewed");
        }
        const one = await submit(10);
        const toB = await b.next(isGrant);
        assert.ok(isGrant(toB) && toB.taskId === one, "the free slot gets the task");
        const two = await submit(11);
        const toA = await a.next(isGrant);
        assert.ok(isGrant(toA) && toA.taskId === two, "prefetch takes what no free slot can");
        assert.equal(a.frames.filter(isGrant).length, 1);
      } finally {
        await a.close();
        await b.close();
      }
    });

    await t.step("the acknowledgement of a result comes before its task's next grant", async () => {
      const c = await RawWorker.connect(hub);
      try {
        assert.equal((await c.hello(families, { protocol: 2, slots: 1 })).type, "welcome");
        const taskId = await submit(20);
        c.send({ type: "lease.credit", free: 1, grantsSeen: 0, prefetch: 0 });
        const expand = await c.next(isGrant) as LeaseGrant;
        assert.ok(expand.kind === "expand" && expand.taskId === taskId);
        // The result and the credit after it, as a worker sends them: one batch.
        c.send({
          type: "batch",
          frames: [
            {
              type: "expand.result",
              taskId,
              epoch: expand.epoch,
              key: "x_key_of_task_20",
              nodes: [node(expand)],
            },
            { type: "lease.credit", free: 1, grantsSeen: 1, prefetch: 0 },
          ],
        });
        const run = await c.next((f) => isGrant(f) && f.kind === "run") as LeaseGrant;
        assert.equal(run.taskId, taskId);
        const order = c.frames.map((f) => f.type === "task.ack" ? `ack ${f.key}` : f.type);
        const ack = order.indexOf("ack x_key_of_task_20");
        assert.ok(ack >= 0 && ack < c.frames.indexOf(run), order.join(", "));
      } finally {
        await c.close();
      }
    });

    await t.step(
      "a protocol 1 hello is still welcomed with protocol 1, and gets no batches",
      async () => {
        const old = await RawWorker.connect(hub);
        try {
          const welcome = await old.hello(families, { protocol: 1, slots: 1 });
          assert.ok(welcome.type === "welcome" && welcome.protocol === 1);
          old.send({ type: "batch", frames: [{ type: "lease.credit", free: 1, grantsSeen: 0 }] });
          const error = await old.next((f) => f.type === "error");
          assert.ok(error.type === "error" && error.code === "bad_frame");
          assert.equal(old.messages, old.frames.length);
        } finally {
          await old.close();
        }
      },
    );
    await raw.close();
  } finally {
    await removeTree(dir);
  }
});
