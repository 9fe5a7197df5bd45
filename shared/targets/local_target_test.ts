import assert from "node:assert/strict";
import { atomicWrite, LocalTarget } from "./local_target.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "drover_local_target_" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("LocalTarget needs a non-empty path", () => {
  assert.throws(() => new LocalTarget(""), TypeError);
});

Deno.test("LocalTarget.uri is a file URI of the path", () => {
  assert.equal(new LocalTarget("/data/out.json").uri, "file:///data/out.json");
});

Deno.test("exists() is false for a missing file and true for a file", async () => {
  await using dir = await tempDir();
  const t = new LocalTarget(`${dir.path}/out.json`);
  assert.equal(await t.exists(), false);
  await Deno.writeTextFile(t.path, "{}");
  assert.equal(await t.exists(), true);
});

Deno.test("exists() is false for a directory", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/out.json`);
  assert.equal(await new LocalTarget(`${dir.path}/out.json`).exists(), false);
});

Deno.test("stage → write → written() → commit makes the final file appear only at commit", async (t) => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/v1/out.json`);
  const staged = target.stage("Load_x_1-attempt-1");

  await t.step("nothing is written before write()", async () => {
    assert.equal(await staged.written(), false);
    assert.equal(await target.exists(), false);
  });

  await t.step("write() stages the bytes without publishing them", async () => {
    await staged.write('{"rows":3}');
    assert.equal(await staged.written(), true);
    assert.equal(await target.exists(), false);
  });

  await t.step("commit() publishes the staged bytes and removes the staging file", async () => {
    await staged.commit();
    assert.equal(await target.exists(), true);
    assert.equal(await target.readText(), '{"rows":3}');
    assert.equal(await staged.written(), false);
    assert.deepEqual(await listDir(`${dir.path}/v1`), ["out.json"]);
  });
});

Deno.test("write() replaces earlier writes of the same attempt", async () => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/out.txt`);
  const staged = target.stage("a1");
  await staged.write("first, longer text");
  await staged.write(new TextEncoder().encode("second"));
  await staged.commit();
  assert.equal(await target.readText(), "second");
});

Deno.test("commit() replaces an existing final file", async () => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/out.txt`);
  await target.writeAtomic("old");
  const staged = target.stage("a2");
  await staged.write("new");
  assert.equal(await target.readText(), "old");
  await staged.commit();
  assert.equal(await target.readText(), "new");
});

Deno.test("commit() twice is safe and keeps the committed file", async () => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/out.txt`);
  const staged = target.stage("a1");
  await staged.write("once");
  await staged.commit();
  await staged.commit();
  assert.equal(await target.readText(), "once");
});

Deno.test("discard() removes the staged file, leaves the final one alone and is safe to repeat", async () => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/out.txt`);
  await target.writeAtomic("published");
  const staged = target.stage("a3");
  await staged.write("abandoned");
  await staged.discard();
  assert.equal(await staged.written(), false);
  await staged.discard();
  assert.equal(await target.readText(), "published");
  assert.deepEqual(await listDir(dir.path), ["out.txt"]);
});

Deno.test("discard() also removes what a write killed half-way left (its temporary file), and nothing else", async () => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/out.txt`);
  const staged = target.stage("a4");
  const other = target.stage("a5");
  await other.write("another attempt's");
  // What atomicWrite() leaves when its process is SIGKILLed before the rename.
  const { staging } = staged.describe();
  await Deno.writeTextFile(`${staging}.tmp-1a2b3c4d`, "half");
  await staged.discard();
  assert.deepEqual(await listDir(dir.path), [other.describe().staging.slice(dir.path.length + 1)]);
});

Deno.test("attempts stage to different files and do not see each other's writes", async () => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/out.txt`);
  const a = target.stage("attempt-1");
  const b = target.stage("attempt-2");
  await a.write("a");
  assert.equal(await b.written(), false);
  assert.notEqual(a.describe().staging, b.describe().staging);
});

Deno.test("stage() keeps the staging file next to the final file whatever the stage key", async () => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/sub/out.txt`);
  const staged = target.stage("../../escape attempt/1");
  const { staging } = staged.describe();
  assert.ok(staging.startsWith(`${dir.path}/sub/out.txt.staging-`), staging);
  assert.ok(!staging.slice(`${dir.path}/sub/`.length).includes("/"), staging);
  await staged.write("x");
  assert.deepEqual(await listDir(`${dir.path}/sub`), [staging.slice(`${dir.path}/sub/`.length)]);
});

Deno.test("describe() and fromDescription() restore a staged output after a restart", async () => {
  await using dir = await tempDir();
  const target = new LocalTarget(`${dir.path}/out.txt`);
  const staged = target.stage("a1");
  await staged.write("survives");
  const description = JSON.parse(JSON.stringify(staged.describe()));
  assert.equal(description.kind, "local");
  assert.equal(description.final, target.path);
  const restored = LocalTarget.fromDescription(description);
  assert.equal(await restored.written(), true);
  await restored.commit();
  assert.equal(await target.readText(), "survives");
});

Deno.test("atomicWrite() creates missing parent directories", async () => {
  await using dir = await tempDir();
  await atomicWrite(`${dir.path}/a/b/c.txt`, "hello");
  assert.equal(await Deno.readTextFile(`${dir.path}/a/b/c.txt`), "hello");
});

Deno.test("atomicWrite() leaves no temporary files behind", async () => {
  await using dir = await tempDir();
  await atomicWrite(`${dir.path}/x.bin`, new Uint8Array([1, 2, 3]));
  await atomicWrite(`${dir.path}/x.bin`, new Uint8Array([4]));
  assert.deepEqual(await listDir(dir.path), ["x.bin"]);
  assert.deepEqual(await Deno.readFile(`${dir.path}/x.bin`), new Uint8Array([4]));
});

Deno.test("atomicWrite() writes large data completely", async () => {
  await using dir = await tempDir();
  const data = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
  await atomicWrite(`${dir.path}/big.bin`, data);
  assert.deepEqual(await Deno.readFile(`${dir.path}/big.bin`), data);
});

Deno.test("atomicWrite() fails without leaving a temp file when the path is a directory", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/taken/inner`, { recursive: true });
  await assert.rejects(atomicWrite(`${dir.path}/taken`, "x"));
  assert.deepEqual(await listDir(dir.path), ["taken"]);
});

Deno.test("a staged write in place makes its directory again when it was removed since the last one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = new LocalTarget(`${dir}/out/a.txt`).stage("k1");
    await first.write("one");
    await first.commit();
    await Deno.remove(`${dir}/out`, { recursive: true });
    const second = new LocalTarget(`${dir}/out/b.txt`).stage("k2");
    await second.write("two");
    assert.equal(await second.written(), true);
    await second.commit();
    assert.equal(await Deno.readTextFile(`${dir}/out/b.txt`), "two");
    const left = [];
    for await (const e of Deno.readDir(`${dir}/out`)) left.push(e.name);
    assert.deepEqual(left, ["b.txt"], "no temporary or staging file is left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a staged write takes a stream, and commits it whole", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const target = new LocalTarget(`${dir}/out/stream.jsonl`);
    const staged = target.stage("attempt-1");
    await staged.write(new Blob(['{"n":1}\n', '{"n":2}\n']).stream());
    assert.equal(await target.exists(), false);
    await staged.commit();
    assert.equal(await target.readText(), '{"n":1}\n{"n":2}\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
