import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import type { ExpandNode } from "../../shared/protocol.ts";
import { checkInvariants } from "../db/check_invariants.ts";
import { applyExpansion } from "./apply_expansion.ts";
import { claimTasks } from "./claim_tasks.ts";
import { completeTask } from "./complete_task.ts";
import { failTask } from "./fail_task.ts";
import { reapExpired } from "./reap_expired.ts";
import { releaseLease } from "./release_lease.ts";
import { renewLeases } from "./renew_leases.ts";
import { runStatus } from "../queries/run_status.ts";
import { insertTask, submitRoot, taskRow, testDatabase } from "./test_db.ts";
import { UNKNOWN_FAMILY } from "./family_defaults.ts";

const F = [{ name: "F", version: 1 }];
const claim = (workerId: string, extra: Partial<Parameters<typeof claimTasks>[1]> = {}) => ({
  workerId,
  pins: [""],
  families: F,
  limit: 10,
  now: 1_000,
  ttlMs: 500,
  ...extra,
});
const families = () => ({ ...UNKNOWN_FAMILY, hasRun: true });

Deno.test("claimTasks() never leases a task whose pin does not match the worker", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "eu", pin: '{"region":"eu-west"}' });
    await insertTask(tx, { id: "any" });
  });
  const usEast = await db.tx((tx) => claimTasks(tx, claim("w-us", { pins: [""] })));
  assert.deepEqual(usEast.map((c) => c.id), ["any"]);
  const euWest = await db.tx((tx) =>
    claimTasks(tx, claim("w-eu", { pins: ["", '{"region":"eu-west"}'] }))
  );
  assert.deepEqual(euWest.map((c) => c.id), ["eu"]);
});

Deno.test("claimTasks() only leases families the worker runs", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "g", family: "G" }));
  assert.deepEqual(await db.tx((tx) => claimTasks(tx, claim("w"))), []);
  const got = await db.tx((tx) =>
    claimTasks(tx, claim("w", { families: [{ name: "G", version: 1 }] }))
  );
  assert.deepEqual(got.map((c) => c.id), ["g"]);
});

Deno.test("claimTasks() leases by priority, then age, up to the limit, and never twice", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "old-low", priority: 0, createdAt: 1 });
    await insertTask(tx, { id: "new-high", priority: 5, createdAt: 9 });
    await insertTask(tx, { id: "mid-low", priority: 0, createdAt: 5 });
  });
  const first = await db.tx((tx) => claimTasks(tx, claim("a", { limit: 2 })));
  assert.deepEqual(first.map((c) => c.id), ["new-high", "old-low"]);
  const second = await db.tx((tx) => claimTasks(tx, claim("b", { limit: 5 })));
  assert.deepEqual(second.map((c) => c.id), ["mid-low"]);
  assert.deepEqual(await db.tx((tx) => claimTasks(tx, claim("c"))), []);
});

Deno.test("claimTasks() bumps the epoch on every grant and counts run attempts only", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "e", kind: "expand" });
    await insertTask(tx, { id: "r", kind: "run" });
  });
  const got = await db.tx((tx) => claimTasks(tx, claim("w")));
  const byId = Object.fromEntries(got.map((c) => [c.id, c]));
  assert.equal(byId.e!.epoch, 1);
  assert.equal(byId.e!.attempt, 0);
  assert.equal(byId.r!.epoch, 1);
  assert.equal(byId.r!.attempt, 1);
  const row = await db.tx((tx) => taskRow(tx, "r"));
  assert.equal(row.state, "leased");
  assert.equal(row.lease_owner, "w");
  assert.equal(row.lease_expires_at, 1_500);
});

Deno.test("claimTasks() leaves a task in retry backoff alone until its time", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "later" });
    await tx.run(sql`UPDATE tasks SET next_attempt_at = 2000 WHERE id = 'later'`);
  });
  assert.deepEqual(await db.tx((tx) => claimTasks(tx, claim("w", { now: 1_999 }))), []);
  assert.equal((await db.tx((tx) => claimTasks(tx, claim("w", { now: 2_000 })))).length, 1);
});

Deno.test("completeTask() publishes once: a repeated key gets the first answer, a stale epoch is refused", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  const done = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k1", workerId: "w", now: 1_100 })
  );
  assert.deepEqual(done, {
    outcome: "accepted",
    message: "published",
    repeat: false,
    readied: 0,
    freedResources: false,
  });
  const repeat = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k1", workerId: "w", now: 1_200 })
  );
  assert.equal(repeat.outcome, "accepted");
  assert.equal(repeat.repeat, true);
  const other = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k2", workerId: "w", now: 1_200 })
  );
  assert.equal(other.outcome, "stale");
  const [pubs] = await db.tx((tx) =>
    tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM publications`)
  );
  assert.equal(pubs!.n, 1);
});

Deno.test("completeTask() refuses an old epoch with the current one in the message", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  await db.tx((tx) => claimTasks(tx, claim("zombie")));
  await db.tx((tx) => reapExpired(tx, 2_000));
  const [fresh] = await db.tx((tx) => claimTasks(tx, claim("w", { now: 2_000 })));
  const stale = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: 1, key: "zk", workerId: "zombie", now: 2_100 })
  );
  assert.equal(stale.outcome, "stale");
  assert.equal(
    stale.message,
    `Cannot publish "t": epoch 1 is stale (current ${fresh!.epoch}, task is leased)`,
  );
});

Deno.test("completeTask() refuses a lease that expired even before the reaper ran", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  const late = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch: lease!.epoch, key: "k", workerId: "w", now: 1_501 })
  );
  assert.equal(late.outcome, "stale");
  assert.match(late.message, /lease expired 1 ms ago/);
});

Deno.test("failTask() retries with exponential backoff and jitter, then fails after max attempts", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t", maxAttempts: 3 }));
  const error = { name: "Error", message: "boom", retryable: true };
  const delays: number[] = [];
  let now = 1_000;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const [lease] = await db.tx((tx) => claimTasks(tx, claim("w", { now })));
    assert.equal(lease!.attempt, attempt);
    const r = await db.tx((tx) =>
      failTask(tx, { taskId: "t", epoch: lease!.epoch, workerId: "w", error, now, random: () => 0 })
    );
    if (attempt < 3) {
      assert.equal(r.state, "ready");
      delays.push(r.retryAt! - now);
      now = r.retryAt!;
    } else {
      assert.equal(r.state, "failed");
    }
  }
  assert.deepEqual(delays, [1_000, 2_000], "base 1000 ms doubling, no jitter when random() = 0");
  const row = await db.tx((tx) => taskRow(tx, "t"));
  assert.equal(row.state, "failed");
  assert.equal(JSON.parse(String(row.last_error)).message, "boom");
});

Deno.test("failTask() jitter takes at most half of the delay, and the cap holds", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t", maxAttempts: 10 }));
  const error = { name: "Error", message: "x", retryable: true };
  const seen: number[] = [];
  let now = 0;
  for (let i = 0; i < 6; i++) {
    const [lease] = await db.tx((tx) => claimTasks(tx, claim("w", { now })));
    const r = await db.tx((tx) =>
      failTask(tx, {
        taskId: "t",
        epoch: lease!.epoch,
        workerId: "w",
        error,
        now,
        random: () => 0.999,
      })
    );
    seen.push(r.retryAt! - now);
    now = r.retryAt!;
  }
  // base 1000, cap 8000 (see insertTask); random() = 0.999 takes 49.95 % away
  // (rounded down): the delay never drops below half and never passes the cap.
  assert.deepEqual(seen, [500, 1000, 2001, 4003, 4003, 4003]);
});

Deno.test("failTask() with a permanent error fails at once, whatever attempts remain", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t", maxAttempts: 5 }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  const r = await db.tx((tx) =>
    failTask(tx, {
      workerId: "w",
      taskId: "t",
      epoch: lease!.epoch,
      error: { name: "PermanentError", message: "bad row", retryable: false },
      now: 1_100,
      random: Math.random,
    })
  );
  assert.equal(r.state, "failed");
});

Deno.test("reapExpired() returns expired leases to ready and fails the last attempt", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "again", maxAttempts: 2 });
    await insertTask(tx, { id: "last", maxAttempts: 1 });
    await insertTask(tx, { id: "alive", maxAttempts: 2, createdAt: 5 });
  });
  await db.tx((tx) => claimTasks(tx, claim("dead", { now: 0, ttlMs: 100 })));
  await db.tx(async (tx) => {
    await tx.run(sql`UPDATE tasks SET lease_expires_at = 10000 WHERE id = 'alive'`);
  });
  const reaped = await db.tx((tx) => reapExpired(tx, 101));
  assert.deepEqual(reaped.map((r) => [r.id, r.state]).sort(), [["again", "ready"], [
    "last",
    "failed",
  ]]);
  assert.equal((await db.tx((tx) => taskRow(tx, "alive"))).state, "leased");
  assert.deepEqual(await db.tx((tx) => reapExpired(tx, 101)), [], "a lease is reaped once");
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("renewLeases() extends current leases and refuses stale ones with the reason", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await insertTask(tx, { id: "a" });
    await insertTask(tx, { id: "b" });
  });
  await db.tx((tx) => claimTasks(tx, claim("w")));
  const refused = await db.tx((tx) =>
    renewLeases(
      tx,
      "w",
      [{ taskId: "a", epoch: 1 }, { taskId: "b", epoch: 7 }, { taskId: "zz", epoch: 1 }],
      1_200,
      500,
    )
  );
  assert.deepEqual(refused, [
    { taskId: "b", epoch: 7, reason: "epoch 7 is stale (current 1, task is leased)" },
    { taskId: "zz", epoch: 1, reason: 'task "zz" is unknown' },
  ]);
  assert.equal((await db.tx((tx) => taskRow(tx, "a"))).lease_expires_at, 1_700);
});

function node(id: string, deps: string[] = [], extra: Partial<ExpandNode> = {}): ExpandNode {
  return {
    external: false,
    id,
    family: "F",
    version: 1,
    params: {},
    expanded: true,
    complete: false,
    deps,
    ...extra,
  };
}

Deno.test("applyExpansion() builds a wide DAG: leaves ready, the wrapper waits, then completes through them", async () => {
  await using db = await testDatabase();
  const lookup = (name: string) => name === "W" ? { ...UNKNOWN_FAMILY, hasRun: false } : families();
  await db.tx((tx) => submitRoot(tx, "root", "W"));
  const [lease] = await db.tx((tx) =>
    claimTasks(tx, claim("w", { families: [{ name: "W", version: 1 }] }))
  );
  const leaves = ["l1", "l2", "l3"];
  const result = await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "root",
      epoch: lease!.epoch,
      workerId: "w",
      now: 1_000,
      families: lookup,
      nodes: [node("root", leaves, { family: "W" }), ...leaves.map((l) => node(l)), node("l1")],
    })
  );
  assert.deepEqual(
    {
      outcome: result.outcome,
      inserted: result.inserted,
      readied: result.readied,
      done: result.done,
    },
    { outcome: "accepted", inserted: 3, readied: 3, done: 0 },
  );
  const root = await db.tx((tx) => taskRow(tx, "root"));
  assert.equal(root.state, "waiting");
  assert.equal(root.pending_deps, 3);

  const leased = await db.tx((tx) => claimTasks(tx, claim("w")));
  for (const l of leased) {
    await db.tx((tx) =>
      completeTask(tx, {
        taskId: l.id,
        epoch: l.epoch,
        key: `k-${l.id}`,
        workerId: "w",
        now: 1_100,
      })
    );
  }
  assert.equal(
    (await db.tx((tx) => taskRow(tx, "root"))).state,
    "done",
    "a wrapper is done when its requirements are",
  );
  const status = await db.tx((tx) => runStatus(tx, "run_root"));
  assert.equal(status!.state, "done");
  assert.deepEqual(status!.counts, { done: 4 });
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("applyExpansion() marks complete tasks done as found, and their dependents need not wait", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => submitRoot(tx, "agg"));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  const r = await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "agg",
      epoch: lease!.epoch,
      workerId: "w",
      now: 1_000,
      families,
      nodes: [
        node("agg", ["s1", "s2"]),
        node("s1", [], { complete: true }),
        node("s2", [], { complete: true }),
      ],
    })
  );
  assert.equal(r.done, 2);
  assert.equal((await db.tx((tx) => taskRow(tx, "agg"))).state, "ready");
  const kinds = await db.tx((tx) =>
    tx.all<{ kind: string }>(sql`SELECT kind FROM publications ORDER BY task_id`)
  );
  assert.deepEqual(kinds.map((k) => k.kind), ["found", "found"]);
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("applyExpansion() deduplicates: a task another run already expanded is not expanded again", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await submitRoot(tx, "a");
    await submitRoot(tx, "b");
  });
  const leases = await db.tx((tx) => claimTasks(tx, claim("w")));
  const epochOf = (id: string) => leases.find((l) => l.id === id)!.epoch;
  await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "a",
      epoch: epochOf("a"),
      workerId: "w",
      now: 1_000,
      families,
      nodes: [node("a", ["shared"]), node("shared", ["leaf"]), node("leaf")],
    })
  );
  const second = await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "b",
      epoch: epochOf("b"),
      workerId: "w",
      now: 1_000,
      families,
      nodes: [
        node("b", ["shared"]),
        node("shared", ["leaf", "other"]),
        node("leaf"),
        node("other"),
      ],
    })
  );
  assert.equal(second.inserted, 1, "only the unseen task is inserted");
  const [edges] = await db.tx((tx) =>
    tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM edges WHERE task_id = 'shared'`)
  );
  assert.equal(edges!.n, 1, "the first expansion of a shared task stands");
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("applyExpansion() refuses a stale epoch and a result that names a requirement without its node", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => submitRoot(tx, "r"));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  const stale = await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "r",
      epoch: lease!.epoch + 1,
      workerId: "w",
      now: 1_000,
      families,
      nodes: [node("r")],
    })
  );
  assert.equal(stale.outcome, "stale");
  const broken = await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "r",
      epoch: lease!.epoch,
      workerId: "w",
      now: 1_000,
      families,
      nodes: [node("r", ["ghost"])],
    })
  );
  assert.equal(broken.outcome, "stale");
  assert.match(broken.message, /names requirement "ghost"/);
  assert.equal((await db.tx((tx) => taskRow(tx, "r"))).state, "leased", "nothing was applied");
});

Deno.test("runStatus() is failed when any task failed, naming it, its error, and what it blocks", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => submitRoot(tx, "r"));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("w")));
  await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "r",
      epoch: lease!.epoch,
      workerId: "w",
      now: 1_000,
      families,
      nodes: [node("r", ["x"]), node("x")],
    })
  );
  const [x] = await db.tx((tx) => claimTasks(tx, claim("w")));
  await db.tx((tx) =>
    failTask(tx, {
      workerId: "w",
      taskId: "x",
      epoch: x!.epoch,
      error: { name: "PermanentError", message: "no", retryable: false },
      now: 1_100,
      random: Math.random,
    })
  );
  const status = await db.tx((tx) => runStatus(tx, "run_r"));
  assert.equal(status!.state, "failed");
  assert.deepEqual(status!.failed, [{
    taskId: "x",
    error: { name: "PermanentError", message: "no", retryable: false },
  }]);
  assert.deepEqual(status!.counts, { failed: 1, blocked: 1 });
  assert.deepEqual(status!.blocked, [{ taskId: "r", blockedBy: "x" }]);
});

Deno.test("only a lease's holder can renew, complete, fail or release it: the epoch alone is not enough", async () => {
  await using db = await testDatabase();
  await db.tx((tx) => insertTask(tx, { id: "t" }));
  const [lease] = await db.tx((tx) => claimTasks(tx, claim("owner")));
  const epoch = lease!.epoch;
  const refused = await db.tx((tx) =>
    renewLeases(tx, "intruder", [{ taskId: "t", epoch }], 1_100, 500)
  );
  assert.deepEqual(refused, [{
    taskId: "t",
    epoch,
    reason: "the lease is held by another worker",
  }]);
  const done = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch, key: "k-x", workerId: "intruder", now: 1_100 })
  );
  assert.equal(done.outcome, "stale");
  assert.match(done.message, /held by another worker/);
  const failed = await db.tx((tx) =>
    failTask(tx, {
      taskId: "t",
      epoch,
      workerId: "intruder",
      error: { name: "Error", message: "x", retryable: false },
      now: 1_100,
      random: Math.random,
    })
  );
  assert.equal(failed.outcome, "stale");
  assert.equal(await db.tx((tx) => releaseLease(tx, "t", epoch, "no", 1_100, "intruder")), false);
  const row = await db.tx((tx) => taskRow(tx, "t"));
  assert.deepEqual([row.state, row.lease_owner, row.lease_expires_at], ["leased", "owner", 1_500]);
  const ok = await db.tx((tx) =>
    completeTask(tx, { taskId: "t", epoch, key: "k-o", workerId: "owner", now: 1_200 })
  );
  assert.equal(ok.outcome, "accepted");
});
