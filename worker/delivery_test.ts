/**
 * Delivery of a big expansion: only a window of its parts is sent ahead of
 * their acknowledgements; each acknowledgement lets the next part go, and a
 * reconnect sends the window again, not every part.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../shared/log.ts";
import type { WorkerFrame } from "../shared/protocol.ts";
import { systemClock } from "./clock.ts";
import { Delivery, EXPANSION_PARTS_IN_FLIGHT } from "./delivery.ts";
import { Outbox, type OutboxEntry } from "./outbox.ts";
import { newWorkerStats } from "./worker_stats.ts";
import { registerStagedKind } from "./restore_staged.ts";

function part(i: number, last: boolean): OutboxEntry {
  return {
    key: `x-${i}`,
    staged: [],
    frame: {
      type: "expand.result",
      taskId: "Root()",
      epoch: 1,
      key: `x-${i}`,
      nodes: [{
        id: `Leaf(${i})`,
        family: "Leaf",
        version: 1,
        params: { i },
        deps: [],
        expanded: false,
        complete: false,
        external: false,
      }],
      ...(last ? {} : { more: true }),
    } satisfies WorkerFrame,
  };
}

Deno.test("a big expansion's parts go a window at a time, each acknowledgement letting the next go", async () => {
  const sent: string[] = [];
  const settled: string[] = [];
  const delivery = new Delivery({
    outbox: await Outbox.open(),
    send: (frame) => {
      sent.push((frame as { key: string }).key);
      return true;
    },
    connected: () => true,
    backlog: () => 0,
    log: silentLogger,
    stats: newWorkerStats(),
    clock: systemClock,
    settled: (entry) => settled.push(entry.key),
  });
  const total = EXPANSION_PARTS_IN_FLIGHT + 4;
  delivery.queue(Array.from({ length: total }, (_, i) => part(i, i === total - 1)), silentLogger);
  assert.deepEqual(sent, Array.from({ length: EXPANSION_PARTS_IN_FLIGHT }, (_, i) => `x-${i}`));

  await delivery.acknowledge("x-0", "accepted", "part applied");
  assert.equal(sent.at(-1), `x-${EXPANSION_PARTS_IN_FLIGHT}`);
  assert.equal(sent.length, EXPANSION_PARTS_IN_FLIGHT + 1);
  assert.deepEqual(settled, [], "an earlier part does not settle the lease");

  // A reconnect sends the window of what is left, in order.
  sent.length = 0;
  delivery.replay();
  assert.deepEqual(sent, Array.from({ length: EXPANSION_PARTS_IN_FLIGHT }, (_, i) => `x-${i + 1}`));

  // Acknowledged out of order, every part is still sent once more at most, and all go.
  sent.length = 0;
  for (let i = total - 1; i >= 1; i--) {
    if (i >= EXPANSION_PARTS_IN_FLIGHT + 1) continue; // not sent yet
    await delivery.acknowledge(`x-${i}`, "accepted", "part applied");
  }
  for (let i = EXPANSION_PARTS_IN_FLIGHT + 1; i < total; i++) {
    await delivery.acknowledge(`x-${i}`, "accepted", "applied");
  }
  assert.equal(delivery.size, 0);
  assert.deepEqual([...new Set(sent)].sort(), [...sent].sort(), "no part sent twice");
  assert.deepEqual(settled, [`x-${total - 1}`], "the last part settles the lease");
});

Deno.test("the same acknowledgement twice at once commits a completion's outputs once", async () => {
  const commits: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  registerStagedKind("counted", (d) => ({
    target: { uri: d.final, exists: () => Promise.resolve(true), stage: () => ({}) as never },
    write: () => Promise.resolve(),
    written: () => Promise.resolve(true),
    commit: async () => {
      commits.push(d.staging);
      await gate;
    },
    discard: () => Promise.resolve(),
    describe: () => d,
  }));
  const settled: string[] = [];
  const delivery = new Delivery({
    outbox: await Outbox.open(),
    send: () => true,
    connected: () => true,
    backlog: () => 0,
    log: silentLogger,
    stats: newWorkerStats(),
    clock: systemClock,
    settled: (entry) => settled.push(entry.key),
  });
  delivery.queue([{
    key: "c-1",
    staged: [{ kind: "counted", final: "x", staging: "x.staging-1" }],
    frame: {
      type: "task.complete",
      taskId: "T()",
      epoch: 1,
      key: "c-1",
      durationMs: 1,
    } as unknown as OutboxEntry["frame"],
  }], silentLogger);
  const first = delivery.acknowledge("c-1", "accepted", "published");
  const again = delivery.acknowledge("c-1", "accepted", "already published");
  release();
  await Promise.all([first, again]);
  assert.deepEqual(commits, ["x.staging-1"]);
  assert.deepEqual(settled, ["c-1"]);
  await delivery.acknowledge("c-1", "accepted", "already published");
  assert.deepEqual(commits, ["x.staging-1"], "a later repeat finds nothing to do");
});
