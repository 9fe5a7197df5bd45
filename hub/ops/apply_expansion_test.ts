import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { checkInvariants } from "../db/check_invariants.ts";
import { applyExpansion } from "./apply_expansion.ts";
import { claimTasks } from "./claim_tasks.ts";
import { completeTask } from "./complete_task.ts";
import { runStatus } from "../queries/run_status.ts";
import { submitRoot, taskRow, testDatabase } from "./test_db.ts";
import { type Submission, submitRun } from "./submit_run.ts";
import { pinKey } from "../../shared/selector.ts";
import { claim, families, node } from "./test_ops.ts";
import { UNKNOWN_FAMILY } from "./family_defaults.ts";

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

Deno.test("applyExpansion() gives a run's pin or preference to new tasks without a pin of their own", async (t) => {
  const lookup = (name: string) =>
    name === "G" ? { ...families(), pin: pinKey({ zone: "b" }) } : families();
  const cases: Array<[string, Partial<Submission>, [string, string]]> = [
    ["pin", { pin: { region: "eu-west" } }, [pinKey({ region: "eu-west" }), '{"fixed":true}']],
    [
      "prefer",
      { prefer: { label: "region", values: ["eu-west", "us-east"], spillAfterMs: 100 } },
      [
        pinKey({ region: "eu-west" }),
        '{"label":"region","spillAfterMs":100,"stage":0,"values":["eu-west","us-east"]}',
      ],
    ],
  ];
  for (const [name, choice, expected] of cases) {
    await t.step(name, async () => {
      await using db = await testDatabase();
      await db.tx((tx) =>
        submitRun(tx, {
          runId: "run_r",
          taskId: "r",
          family: "F",
          version: 1,
          params: {},
          families: lookup,
          now: 0,
          ...choice,
        })
      );
      const [lease] = await db.tx((tx) => claimTasks(tx, claim("w", { pins: [expected[0]] })));
      await db.tx((tx) =>
        applyExpansion(tx, {
          taskId: "r",
          epoch: lease!.epoch,
          workerId: "w",
          now: 1_000,
          families: lookup,
          nodes: [
            node("r", ["plain", "own", "family"]),
            node("plain"),
            node("own", [], { pin: { zone: "a" } }),
            node("family", [], { family: "G" }),
          ],
        })
      );
      const pins = async (id: string) => {
        const row = await db.tx((tx) => taskRow(tx, id));
        return [row.pin, row.pin_spill];
      };
      assert.deepEqual(await pins("plain"), expected, "no pin of its own: the run's");
      assert.deepEqual(await pins("own"), [pinKey({ zone: "a" }), null], "its own pin stays");
      assert.deepEqual(await pins("family"), [pinKey({ zone: "b" }), null], "its family's stays");
    });
  }
});
