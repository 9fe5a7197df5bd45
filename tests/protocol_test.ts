import assert from "node:assert/strict";
import { familyInfo } from "../shared/family_info.ts";
import { MAX_FRAME_BYTES } from "../shared/protocol.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { RawWorker } from "./fixtures/raw_worker.ts";
import { createTestTasks } from "./fixtures/tasks.ts";
import { testDbUrl } from "../testing/postgres.ts";

Deno.test("the hub's WebSocket refuses bad peers with a reason and keeps serving the others", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-protocol-" });
  await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
  const families = [familyInfo(createTestTasks(dir).Sleep)];
  const good = await RawWorker.connect(hub);
  assert.equal((await good.hello(families)).type, "welcome");

  await t.step(
    "a hello with another protocol version is refused, naming the versions accepted",
    async () => {
      const raw = await RawWorker.connect(hub);
      raw.send({ type: "hello", protocol: 3 });
      const error = await raw.next((f) => f.type === "error");
      assert.ok(error.type === "error");
      assert.equal(error.code, "unsupported_protocol");
      assert.equal(error.message, "hub speaks protocol 1, 2; worker sent 3");
      const closed = await raw.closed;
      assert.equal(closed.code, 1002);
      assert.equal(closed.reason, "hub speaks protocol 1, 2; worker sent 3");
    },
  );

  await t.step("a frame before hello is refused", async () => {
    const raw = await RawWorker.connect(hub);
    raw.send({ type: "lease.renew", leases: [] });
    const error = await raw.next((f) => f.type === "error");
    assert.ok(error.type === "error" && error.code === "hello_expected");
    assert.equal((await raw.closed).code, 1002);
  });

  await t.step(
    "a malformed frame after hello gets an error frame naming the field, and the session goes on",
    async () => {
      const raw = await RawWorker.connect(hub);
      assert.equal((await raw.hello(families)).type, "welcome");
      raw.send({ type: "task.complete", taskId: "x", epoch: "two", key: "k_12345678" });
      const error = await raw.next((f) => f.type === "error");
      assert.ok(error.type === "error" && error.code === "bad_frame");
      assert.match(error.message, /^Invalid "task\.complete" frame: epoch: /);
      raw.send({ type: "lease.renew", leases: [{ taskId: "nope", epoch: 1 }] });
      const renewed = await raw.next((f) => f.type === "lease.renewed");
      assert.ok(renewed.type === "lease.renewed");
      assert.deepEqual(renewed.refused, [{
        taskId: "nope",
        epoch: 1,
        reason: 'task "nope" is unknown',
      }]);
      raw.socket.send("not json");
      const notJson = await raw.next((f) => f.type === "error");
      assert.ok(notJson.type === "error" && notJson.code === "bad_json");
      await raw.close();
    },
  );

  await t.step(
    "a refused result is named by task, epoch and key, and the session goes on",
    async () => {
      const raw = await RawWorker.connect(hub);
      assert.equal((await raw.hello(families)).type, "welcome");
      const ref = { taskId: "Sleep_g_0_ab", epoch: 3, key: "f_1234567890" };
      raw.send({ type: "task.fail", ...ref, error: { name: "Error" } });
      const bad = await raw.next((f) => f.type === "error");
      assert.ok(bad.type === "error" && bad.code === "bad_frame");
      assert.deepEqual([bad.taskId, bad.epoch, bad.key], [ref.taskId, ref.epoch, ref.key]);
      const nodes = [{
        id: "x",
        family: "Sleep",
        version: 1,
        params: { pad: "x".repeat(MAX_FRAME_BYTES) },
        expanded: false,
      }];
      raw.socket.send(
        JSON.stringify({ type: "expand.result", ...ref, key: "x_1234567890", nodes }),
      );
      const big = await raw.next((f) => f.type === "error");
      assert.ok(big.type === "error" && big.code === "frame_too_big");
      assert.deepEqual([big.taskId, big.epoch, big.key], [ref.taskId, ref.epoch, "x_1234567890"]);
      raw.send({ type: "lease.renew", leases: [] });
      assert.equal((await raw.next((f) => f.type === "lease.renewed")).type, "lease.renewed");
      await raw.close();
    },
  );

  await t.step("a frame over the size limit closes the connection with 1009", async () => {
    const raw = await RawWorker.connect(hub);
    assert.equal((await raw.hello(families)).type, "welcome");
    raw.socket.send(JSON.stringify({ type: "lease.renew", pad: "x".repeat(MAX_FRAME_BYTES) }));
    assert.equal((await raw.closed).code, 1009);
  });

  await t.step("the well-behaved worker was served throughout", async () => {
    good.send({ type: "lease.renew", leases: [] });
    const renewed = await good.next((f) => f.type === "lease.renewed");
    assert.ok(renewed.type === "lease.renewed" && renewed.refused.length === 0);
    const health = await fetch(`${hub.url}/readyz`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  });

  await good.close();
  await hub.stop();
  await Deno.remove(dir, { recursive: true });
});
