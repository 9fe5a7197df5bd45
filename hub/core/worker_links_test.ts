import assert from "node:assert/strict";
import { silentLogger } from "../../shared/log.ts";
import { CLOSE } from "../../shared/protocol.ts";
import { testDatabase } from "../ops/test_db.ts";
import { type WorkerLink, WorkerLinks } from "./worker_links.ts";

function link(workerId: string, tokenId?: string): WorkerLink & { closedWith: number[] } {
  const closedWith: number[] = [];
  return {
    workerId,
    name: workerId,
    labels: {},
    families: [],
    free: 0,
    grantsSent: 0,
    tokenId,
    closedWith,
    send: () => true,
    close: (code) => closedWith.push(code),
  };
}

Deno.test("WorkerLinks.connected() resolves when a matching worker connects, at once if it is", async () => {
  await using db = await testDatabase();
  const links = new WorkerLinks({ queue: db.queue, log: silentLogger });
  const order: string[] = [];
  const waiting = links.connected((l) => l.tokenId === "tok_b").then(() => order.push("b"));
  links.add(link("w_a", "tok_a"));
  await Promise.resolve();
  assert.deepEqual(order, [], "another worker does not count");
  links.add(link("w_b", "tok_b"));
  await waiting;
  assert.deepEqual(order, ["b"]);
  await links.connected((l) => l.workerId === "w_a");
});

Deno.test("WorkerLinks.connected() rejects with the signal's reason, and a newer link replaces an older one", async () => {
  await using db = await testDatabase();
  const links = new WorkerLinks({ queue: db.queue, log: silentLogger });
  const ac = new AbortController();
  const waiting = links.connected(() => false, ac.signal);
  ac.abort("gave up");
  await assert.rejects(waiting, (reason) => reason === "gave up");
  const old = link("w_a");
  links.add(old);
  const fresh = link("w_a");
  links.add(fresh);
  assert.deepEqual(old.closedWith, [CLOSE.replaced]);
  assert.equal(links.get("w_a"), fresh);
  assert.equal(links.remove(old), false, "the old link is no longer the worker's");
  assert.equal(links.remove(fresh), true);
});
