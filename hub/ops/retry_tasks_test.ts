import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import type { ExpandNode } from "../../shared/protocol.ts";
import { checkInvariants } from "../db/check_invariants.ts";
import { applyExpansion } from "./apply_expansion.ts";
import { cancelTasks } from "./cancel_tasks.ts";
import { UNKNOWN_FAMILY } from "./family_defaults.ts";
import { retryRunTasks, retryTasks } from "./retry_tasks.ts";
import { insertTask, submitRoot, taskRow, testDatabase } from "./test_db.ts";
import { completeOne, failOne, insertEdges, leaseOne } from "./test_tasks.ts";

/** A task of its own family (so it can be leased alone), waiting unless told. */
function task(tx: Parameters<typeof insertTask>[0], id: string, state = "waiting", hasRun = true) {
  return insertTask(tx, { id, family: id, state, hasRun });
}

async function states(db: Awaited<ReturnType<typeof testDatabase>>, ids: string[]) {
  const out: Record<string, unknown[]> = {};
  for (const id of ids) {
    const r = await db.tx((tx) => taskRow(tx, id));
    out[id] = [r.state, r.pending_deps, r.blocked_by];
  }
  return out;
}

Deno.test("retryTasks() makes a failed task ready with attempt 0 and unblocks its dependents with recounted pending counts", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "s", "ready");
    await task(tx, "p");
    await insertEdges(tx, "p", ["x", "s"]);
    await task(tx, "q");
    await insertEdges(tx, "q", ["p"]);
  });
  await failOne(db, "x", 1_000);
  // s finishes while p is blocked: p's stored pending count goes stale.
  await completeOne(db, "s", 1_100);
  assert.deepEqual(await states(db, ["p", "q"]), {
    p: ["blocked", 2, "x"],
    q: ["blocked", 1, "x"],
  });

  const r = await db.tx((tx) => retryTasks(tx, ["x", "s", "ghost", "p"], 2_000));
  assert.deepEqual(r.retried, ["x"], "done, blocked and unknown tasks are not retried");
  assert.deepEqual(r.unblocked.sort(), ["p", "q"]);
  const x = await db.tx((tx) => taskRow(tx, "x"));
  assert.deepEqual(
    [x.state, x.attempt, x.next_attempt_at, x.last_error, x.finished_at, x.lease_epoch],
    ["ready", 0, 0, null, null, 1],
    "the epoch is kept: fencing never goes back",
  );
  assert.deepEqual(await states(db, ["p", "q"]), {
    p: ["waiting", 1, null],
    q: ["waiting", 1, null],
  });
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);

  await completeOne(db, "x", 3_000);
  assert.equal((await db.tx((tx) => taskRow(tx, "p"))).state, "ready");
});

Deno.test("retryTasks() keeps a dependent blocked by a second failed requirement", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "y", "ready");
    await task(tx, "p");
    await insertEdges(tx, "p", ["x", "y"]);
    await task(tx, "q");
    await insertEdges(tx, "q", ["p"]);
  });
  await failOne(db, "x", 1_000);
  await failOne(db, "y", 1_100);
  assert.equal((await db.tx((tx) => taskRow(tx, "p"))).blocked_by, "x");

  const r = await db.tx((tx) => retryTasks(tx, ["x"], 2_000));
  assert.deepEqual(r, { retried: ["x"], unblocked: [] });
  assert.deepEqual(await states(db, ["p", "q"]), {
    p: ["blocked", 2, "y"],
    q: ["blocked", 1, "y"],
  });
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("retryTasks() blocks an unblocked task again by the culprit of a blocked requirement", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "y", "ready");
    await task(tx, "u");
    await insertEdges(tx, "u", ["x"]);
    await task(tx, "d");
    await insertEdges(tx, "d", ["y"]);
    await task(tx, "t");
    await insertEdges(tx, "t", ["u", "d"]);
  });
  await failOne(db, "x", 1_000);
  await failOne(db, "y", 1_100);
  assert.deepEqual(await states(db, ["t", "d"]), {
    t: ["blocked", 2, "x"],
    d: ["blocked", 1, "y"],
  });

  const r = await db.tx((tx) => retryTasks(tx, ["x"], 2_000));
  assert.deepEqual(r.unblocked, ["u"]);
  assert.deepEqual(await states(db, ["u", "t"]), {
    u: ["waiting", 1, null],
    t: ["blocked", 2, "y"],
  });
});

Deno.test("retryTasks() makes a cancelled task whose requirements finished meanwhile ready, and a wrapper done", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "p");
    await insertEdges(tx, "p", ["x"]);
    await task(tx, "wrap", "waiting", false);
    await insertEdges(tx, "wrap", ["x"]);
    await task(tx, "top");
    await insertEdges(tx, "top", ["wrap"]);
    await insertTask(tx, { id: "e", kind: "expand" });
  });
  const cancelled = await db.tx((tx) => cancelTasks(tx, ["p", "wrap", "e"], "not now", 1_000));
  assert.deepEqual(cancelled.cancelled.sort(), ["e", "p", "wrap"]);
  assert.equal((await db.tx((tx) => taskRow(tx, "top"))).blocked_by, "wrap");
  await completeOne(db, "x", 1_100);
  assert.equal((await db.tx((tx) => taskRow(tx, "p"))).pending_deps, 1, "stale while cancelled");

  const r = await db.tx((tx) => retryTasks(tx, ["p", "wrap", "e"], 2_000));
  assert.deepEqual(r.retried.sort(), ["e", "p", "wrap"]);
  assert.deepEqual(r.unblocked, ["top"]);
  const rows = await Promise.all(
    ["p", "wrap", "top", "e"].map((id) => db.tx((tx) => taskRow(tx, id))),
  );
  assert.deepEqual(rows.map((t) => [t.id, t.state, t.kind, t.pending_deps]), [
    ["p", "ready", "run", 0],
    ["wrap", "done", "run", 0],
    ["top", "ready", "run", 0],
    ["e", "ready", "expand", 0],
  ]);
  assert.equal(rows[0]!.ready_at, 2_000);
  const [pub] = await db.tx((tx) =>
    tx.all<{ kind: string }>(sql`SELECT kind FROM publications WHERE task_id = 'wrap'`)
  );
  assert.equal(pub!.kind, "wrapper");
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});

Deno.test("retryTasks() blocks a retried task that still has a failed requirement", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await task(tx, "x", "ready");
    await task(tx, "p");
    await insertEdges(tx, "p", ["x"]);
  });
  await db.tx((tx) => cancelTasks(tx, ["p"], "stop", 900));
  await failOne(db, "x", 1_000);
  const r = await db.tx((tx) => retryTasks(tx, ["p"], 2_000));
  assert.deepEqual(r, { retried: ["p"], unblocked: [] });
  assert.deepEqual(await states(db, ["p"]), { p: ["blocked", 1, "x"] });
});

function node(id: string, deps: string[] = []): ExpandNode {
  return {
    external: false,
    id,
    family: id,
    version: 1,
    params: {},
    expanded: true,
    complete: false,
    deps,
  };
}

Deno.test("retryRunTasks() retries every failed and cancelled task of the run, and only those", async () => {
  await using db = await testDatabase();
  await db.tx(async (tx) => {
    await submitRoot(tx, "r", "r");
    await task(tx, "elsewhere", "ready");
  });
  const epoch = await leaseOne(db, "r", 500);
  const families = () => ({ ...UNKNOWN_FAMILY, hasRun: true });
  await db.tx((tx) =>
    applyExpansion(tx, {
      taskId: "r",
      epoch,
      workerId: "w",
      now: 600,
      families,
      nodes: [node("r", ["a", "b", "c"]), node("a"), node("b"), node("c")],
    })
  );
  await failOne(db, "a", 1_000);
  await failOne(db, "b", 1_100);
  await db.tx((tx) => cancelTasks(tx, ["c"], "no", 1_200));
  await failOne(db, "elsewhere", 1_300);
  assert.deepEqual(await states(db, ["r"]), { r: ["blocked", 3, "a"] });

  const r = await db.tx((tx) => retryRunTasks(tx, "r", 2_000));
  assert.deepEqual(r, { retried: ["a", "b", "c"], unblocked: ["r"] });
  assert.deepEqual(await states(db, ["a", "b", "c", "r", "elsewhere"]), {
    a: ["ready", 0, null],
    b: ["ready", 0, null],
    c: ["ready", 0, null],
    r: ["waiting", 3, null],
    elsewhere: ["failed", 0, null],
  });
  assert.deepEqual(await db.tx((tx) => checkInvariants(tx)), []);
});
