import assert from "node:assert/strict";
import { Outbox, type OutboxEntry } from "./outbox.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "drover_outbox_" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Opens an outbox that closes itself at the end of the scope. */
async function openOutbox(dir?: string): Promise<Outbox & Disposable> {
  const outbox = await Outbox.open(dir);
  return Object.assign(outbox, { [Symbol.dispose]: () => outbox.close() });
}

function complete(n: number): OutboxEntry {
  const key = `key-${String(n).padStart(8, "0")}`;
  return {
    key,
    frame: { type: "task.complete", taskId: `Task_${n}_abcdef0123`, epoch: 1, key },
    staged: [{ kind: "local", final: `/data/${n}.json`, staging: `/data/${n}.json.staging-a1` }],
  };
}

function fail(n: number): OutboxEntry {
  const key = `fail-${String(n).padStart(8, "0")}`;
  return {
    key,
    frame: {
      type: "task.fail",
      taskId: `Task_${n}_abcdef0123`,
      epoch: 2,
      key,
      error: { name: "RetryableError", message: "503 from upstream", retryable: true },
    },
    staged: [],
  };
}

Deno.test("Outbox without a directory keeps entries in memory in the order they were added", async () => {
  using outbox = await openOutbox();
  outbox.add(complete(1));
  outbox.add(fail(2));
  outbox.add(complete(3));
  assert.equal(outbox.size, 3);
  assert.deepEqual(outbox.entries().map((e) => e.key), [
    complete(1).key,
    fail(2).key,
    complete(3).key,
  ]);
  assert.deepEqual(outbox.get(fail(2).key), fail(2));
  outbox.remove(fail(2).key);
  assert.equal(outbox.get(fail(2).key), undefined);
  assert.equal(outbox.size, 2);
});

Deno.test("Outbox.add() with a key already present replaces that entry", async () => {
  using outbox = await openOutbox();
  const first = complete(1);
  outbox.add(first);
  outbox.add({ ...first, staged: [] });
  assert.equal(outbox.size, 1);
  assert.deepEqual(outbox.get(first.key)!.staged, []);
});

Deno.test("Outbox.remove() of an unknown key does nothing", async () => {
  await using dir = await tempDir();
  {
    using outbox = await openOutbox(dir.path);
    outbox.add(complete(1));
    outbox.remove("key-unknown-1");
    assert.equal(outbox.size, 1);
  }
  const lines = (await Deno.readTextFile(`${dir.path}/outbox.jsonl`)).trim().split("\n");
  assert.equal(lines.length, 1);
});

Deno.test("Outbox entries survive reopening the same directory", async () => {
  await using dir = await tempDir();
  {
    using outbox = await openOutbox(dir.path);
    outbox.add(complete(1));
    outbox.add(fail(2));
  }
  using reopened = await openOutbox(dir.path);
  assert.deepEqual(reopened.entries(), [complete(1), fail(2)]);
});

Deno.test("Outbox entries that were removed do not come back after reopening", async () => {
  await using dir = await tempDir();
  {
    using outbox = await openOutbox(dir.path);
    outbox.add(complete(1));
    outbox.add(complete(2));
    outbox.add(complete(3));
    outbox.remove(complete(2).key);
  }
  {
    using reopened = await openOutbox(dir.path);
    assert.deepEqual(reopened.entries().map((e) => e.key), [complete(1).key, complete(3).key]);
    reopened.remove(complete(1).key);
  }
  using again = await openOutbox(dir.path);
  assert.deepEqual(again.entries(), [complete(3)]);
});

Deno.test("Outbox ignores a torn last line left by a killed process", async () => {
  await using dir = await tempDir();
  {
    using outbox = await openOutbox(dir.path);
    outbox.add(complete(1));
    outbox.add(complete(2));
  }
  const full = JSON.stringify({ op: "add", entry: complete(3) });
  await Deno.writeTextFile(`${dir.path}/outbox.jsonl`, full.slice(0, full.length / 2), {
    append: true,
  });
  {
    using reopened = await openOutbox(dir.path);
    assert.deepEqual(reopened.entries(), [complete(1), complete(2)]);
    // Lines appended after the torn one must still be readable on the next start.
    reopened.add(complete(4));
  }
  using again = await openOutbox(dir.path);
  assert.deepEqual(again.entries(), [complete(1), complete(2), complete(4)]);
});

Deno.test("Outbox keeps an entry whose removal was torn off", async () => {
  await using dir = await tempDir();
  {
    using outbox = await openOutbox(dir.path);
    outbox.add(complete(1));
  }
  await Deno.writeTextFile(`${dir.path}/outbox.jsonl`, '{"op":"done","key":"key-00', {
    append: true,
  });
  using reopened = await openOutbox(dir.path);
  assert.deepEqual(reopened.entries(), [complete(1)]);
});

Deno.test("Outbox.open() compacts the journal to the live entries and leaves no temp file", async () => {
  await using dir = await tempDir();
  {
    using outbox = await openOutbox(dir.path);
    for (let n = 0; n < 10; n++) outbox.add(complete(n));
    for (let n = 0; n < 9; n++) outbox.remove(complete(n).key);
  }
  {
    using _reopened = await openOutbox(dir.path);
  }
  const lines = (await Deno.readTextFile(`${dir.path}/outbox.jsonl`)).trim().split("\n");
  assert.deepEqual(lines.map((l) => JSON.parse(l)), [{ op: "add", entry: complete(9) }]);
  const names: string[] = [];
  for await (const e of Deno.readDir(dir.path)) names.push(e.name);
  assert.deepEqual(names, ["outbox.jsonl"]);
});

Deno.test("Outbox.open() creates a missing state directory", async () => {
  await using dir = await tempDir();
  using outbox = await openOutbox(`${dir.path}/state/worker-a`);
  outbox.add(complete(1));
  assert.ok((await Deno.stat(`${dir.path}/state/worker-a/outbox.jsonl`)).isFile);
});

Deno.test("Outbox.close() is safe to call twice", async () => {
  await using dir = await tempDir();
  const outbox = await Outbox.open(dir.path);
  outbox.close();
  outbox.close();
});
