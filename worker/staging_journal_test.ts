import assert from "node:assert/strict";
import { LocalTarget } from "../shared/targets/local_target.ts";
import type { StagedDescription } from "../shared/targets/target.ts";
import { Outbox } from "./outbox.ts";
import { registerStagedKind } from "./restore_staged.ts";
import { StagingJournal } from "./staging_journal.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "drover_staging_" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** A staged output written by an attempt, as its description. */
async function written(path: string, key: string): Promise<StagedDescription> {
  const staged = new LocalTarget(path).stage(key);
  await staged.write(`{"key":"${key}"}`);
  return staged.describe();
}

Deno.test("a restarted worker sweeps the staged outputs of killed attempts but keeps what a pending result needs", async () => {
  await using dir = await tempDir();
  const state = `${dir.path}/state`;
  const data = `${dir.path}/data`;
  const pending = await written(`${data}/a.json`, "e1-pending");
  const orphan1 = await written(`${data}/b.json`, "e1-orphan");
  const orphan2 = await written(`${data}/sub/c.json`, "e2-orphan");

  // The "killed" process: two attempts journaled their staged outputs; the
  // first also handed its result to the outbox; neither got to "resolved".
  {
    const outbox = await Outbox.open(state);
    const journal = await StagingJournal.open(state, []);
    journal.opened([pending, orphan1]);
    journal.opened([orphan2]);
    const key = "c_pending0000";
    outbox.add({
      key,
      frame: { type: "task.complete", taskId: "A_1_abcdef0123", epoch: 1, key },
      staged: [pending],
    });
    outbox.close();
    journal.close();
  }

  const outbox = await Outbox.open(state);
  const journal = await StagingJournal.open(state, outbox.entries().flatMap((e) => e.staged));
  try {
    assert.equal(journal.swept, 2);
    assert.equal(await exists(orphan1.staging), false);
    assert.equal(await exists(orphan2.staging), false);
    assert.equal(await exists(pending.staging), true, "the pending result's output was touched");
    assert.equal(await Deno.readTextFile(pending.staging), '{"key":"e1-pending"}');
    // Compacted: nothing is left open (the outbox owns the pending output now).
    assert.equal(await Deno.readTextFile(`${state}/staging.jsonl`), "");
    assert.equal(await exists(`${state}/staging.jsonl.tmp`), false);
  } finally {
    outbox.close();
    journal.close();
  }
});

Deno.test("StagingJournal leaves alone the staged outputs of attempts that were resolved", async () => {
  await using dir = await tempDir();
  const state = `${dir.path}/state`;
  const handedOver = await written(`${dir.path}/a.json`, "e1-x");
  {
    const journal = await StagingJournal.open(state, []);
    journal.resolved(journal.opened([handedOver]));
    journal.close();
  }
  const journal = await StagingJournal.open(state, []);
  journal.close();
  assert.equal(journal.swept, 0);
  assert.equal(await exists(handedOver.staging), true);
});

Deno.test("StagingJournal survives a torn last line and still sweeps the records before it", async () => {
  await using dir = await tempDir();
  const state = `${dir.path}/state`;
  const orphan = await written(`${dir.path}/a.json`, "e1-x");
  {
    const journal = await StagingJournal.open(state, []);
    journal.opened([orphan]);
    journal.close();
  }
  await Deno.writeTextFile(`${state}/staging.jsonl`, '{"op":"open","id":"x-9","sta', {
    append: true,
  });
  const journal = await StagingJournal.open(state, []);
  journal.close();
  assert.equal(journal.swept, 1);
  assert.equal(await exists(orphan.staging), false);
});

Deno.test("StagingJournal keeps a record it cannot discard yet, to try again at the next start", async () => {
  await using dir = await tempDir();
  const state = `${dir.path}/state`;
  const data = `${dir.path}/data`;
  const custom = { kind: "journal-test-later", final: `${data}/x`, staging: `${data}/x.s` };
  {
    const journal = await StagingJournal.open(state, []);
    journal.opened([custom]);
    journal.close();
  }
  const first = await StagingJournal.open(state, []);
  first.close();
  assert.equal(first.swept, 0, "an unregistered kind cannot be restored");
  // Once the kind is registered (by the worker's entry point), the next start sweeps it.
  await Deno.mkdir(data, { recursive: true });
  await Deno.writeTextFile(custom.staging, "x");
  registerStagedKind("journal-test-later", (d) => LocalTarget.fromDescription(d));
  const second = await StagingJournal.open(state, []);
  second.close();
  assert.equal(second.swept, 1);
  assert.equal(await exists(custom.staging), false);
});

Deno.test("StagingJournal without a state directory journals and sweeps nothing", async () => {
  const journal = await StagingJournal.open(undefined, []);
  const id = journal.opened([{ kind: "local", final: "/nowhere", staging: "/nowhere.s" }]);
  assert.equal(id, null);
  journal.resolved(id);
  journal.close();
  assert.equal(journal.swept, 0);
});

Deno.test("StagingJournal.opened() journals nothing for an attempt without outputs", async () => {
  await using dir = await tempDir();
  const journal = await StagingJournal.open(dir.path, []);
  assert.equal(journal.opened([]), null);
  journal.close();
  assert.equal(await Deno.readTextFile(`${dir.path}/staging.jsonl`), "");
});
