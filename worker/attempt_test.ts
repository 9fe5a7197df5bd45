import assert from "node:assert/strict";
import { z } from "zod";
import { createLogger } from "../shared/log.ts";
import type { WorkerFrame } from "../shared/protocol.ts";
import { defineTask, LeaseLostError, LocalTarget } from "../shared/mod.ts";
import type { AnyTaskFamily } from "../shared/task.ts";
import { type AttemptDeps, grantMembers, runAttempt } from "./attempt.ts";
import { familyRegistry } from "./family_registry.ts";
import { LeaseTable } from "./lease_table.ts";
import { grant as grantOf } from "./test_session.ts";
import { newWorkerStats } from "./worker_stats.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "drover_attempt_" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

function depsFor(
  families: readonly AnyTaskFamily[],
  sent: WorkerFrame[] = [],
  staged: string[][] = [],
) {
  const deps: AttemptDeps = {
    families: familyRegistry(families).byKey,
    labels: {},
    log: createLogger({ write: () => {} }),
    stats: newWorkerStats(),
    send: (frame) => {
      sent.push(frame);
      return true;
    },
    onStaged: (outputs) => staged.push(outputs.map((o) => o.describe().staging)),
  };
  return { deps, staged };
}

Deno.test("runAttempt() returns a completion whose staged outputs were announced before run() wrote them", async () => {
  await using dir = await tempDir();
  const announced: string[][] = [];
  let announcedBeforeRun = false;
  const Write = defineTask({
    family: "Write",
    params: z.object({ n: z.int() }),
    output: ({ n }) => new LocalTarget(`${dir.path}/${n}.json`),
    run: async (ctx) => {
      announcedBeforeRun = announced.length === 1;
      ctx.setStatus("writing");
      await ctx.outputs.write("{}");
    },
  });
  const sent: WorkerFrame[] = [];
  const { deps } = depsFor([Write], sent, announced);
  const task = Write.of({ n: 1 });
  const leases = new LeaseTable().hold(grantMembers(grantOf(task, { epoch: 7 })));
  const entries = await runAttempt(grantOf(task, { epoch: 7 }), leases, deps);
  assert.equal(announcedBeforeRun, true);
  assert.equal(entries?.length, 1);
  const [entry] = entries!;
  assert.deepEqual(entry!.frame, {
    type: "task.complete",
    taskId: task.id,
    epoch: 7,
    key: entry!.key,
  });
  assert.match(entry!.key, /^c_[0-9a-f]{32}$/);
  assert.deepEqual(entry!.staged.map((d) => d.final), [`${dir.path}/1.json`]);
  assert.deepEqual(announced, [entry!.staged.map((d) => d.staging)]);
  assert.deepEqual(sent, [{ type: "task.status", taskId: task.id, epoch: 7, message: "writing" }]);
  assert.equal(deps.stats.runs, 1);
});

Deno.test("runAttempt() fails every member permanently for a family this worker does not run", async () => {
  const Other = defineTask({ family: "Other", params: z.object({ n: z.int() }) });
  const { deps } = depsFor([]);
  const a = Other.of({ n: 1 });
  const b = Other.of({ n: 2 });
  const grant = grantOf(a, {
    epoch: 7,
    batch: [{ taskId: b.id, params: b.params, attempt: 1, epoch: 9 }],
  });
  const entries = await runAttempt(grant, new LeaseTable().hold(grantMembers(grant)), deps);
  assert.deepEqual(
    entries?.map((e) =>
      e.frame.type === "task.fail" &&
      [e.frame.taskId, e.frame.epoch, { ...e.frame.error, stack: undefined }]
    ),
    [a, b].map((t, i) => [t.id, i === 0 ? 7 : 9, {
      stack: undefined,
      name: "PermanentError",
      message: "This worker does not run task family Other version 1",
      retryable: false,
    }]),
  );
});

Deno.test("runAttempt() refuses parameters that this worker's schema would change", async () => {
  const Trim = defineTask({ family: "Trim", params: z.object({ s: z.string().trim() }) });
  const { deps } = depsFor([Trim]);
  const task = Trim.of({ s: "x" });
  const grant = grantOf(task, { epoch: 7, params: { s: " x " } });
  const entries = await runAttempt(grant, new LeaseTable().hold(grantMembers(grant)), deps);
  const frame = entries?.[0]?.frame;
  assert.ok(frame?.type === "task.fail");
  assert.equal(frame.error.retryable, false);
  assert.match(frame.error.message, /change when this worker parses them/);
});

Deno.test("runAttempt() reports nothing and discards what was staged when the lease is lost meanwhile", async () => {
  await using dir = await tempDir();
  const table = new LeaseTable();
  const Write = defineTask({
    family: "Write",
    params: z.object({ n: z.int() }),
    output: ({ n }) => new LocalTarget(`${dir.path}/${n}.json`),
    run: async (ctx) => {
      await ctx.outputs.write("{}");
      // The hub refuses a renewal after the task wrote, but it ignores its signal.
      table.drop(ctx.taskId, 7, new LeaseLostError(ctx.taskId, "stale"));
    },
  });
  const { deps, staged } = depsFor([Write]);
  const task = Write.of({ n: 1 });
  const grant = grantOf(task, { epoch: 7 });
  assert.equal(await runAttempt(grant, table.hold(grantMembers(grant)), deps), null);
  const [[staging]] = staged as [[string]];
  await assert.rejects(Deno.stat(staging), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(`${dir.path}/1.json`), Deno.errors.NotFound);
});

Deno.test("runAttempt() parks a run whose dynamic requirements are not complete", async () => {
  await using dir = await tempDir();
  const Dep = defineTask({
    family: "Dep",
    params: z.object({ n: z.int() }),
    output: ({ n }) => new LocalTarget(`${dir.path}/dep-${n}.json`),
    run: async (ctx) => await ctx.outputs.write("{}"),
  });
  const Parent = defineTask({
    family: "Parent",
    params: z.object({}),
    run: async (ctx) => {
      await ctx.requires([Dep.of({ n: 1 }), Dep.of({ n: 2 })]);
    },
  });
  const { deps } = depsFor([Parent, Dep]);
  const task = Parent.of({});
  const grant = grantOf(task, { epoch: 7 });
  const entries = await runAttempt(grant, new LeaseTable().hold(grantMembers(grant)), deps);
  const frame = entries?.[0]?.frame;
  assert.ok(frame?.type === "task.park");
  assert.match(frame.key, /^p_/);
  const parked = frame.nodes.find((n) => n.id === task.id);
  assert.deepEqual(parked?.deps, [Dep.of({ n: 1 }).id, Dep.of({ n: 2 }).id]);
  assert.deepEqual(
    frame.nodes.filter((n) => n.family === "Dep").map((n) => [n.expanded, n.complete]),
    [[true, false], [true, false]],
  );
});
