import assert from "node:assert/strict";
import { syncDir } from "./dir_sync.ts";

Deno.test("syncDir: callers during a running fsync share the next one, which starts after it", async () => {
  const dir = await Deno.makeTempDir();
  const real = Deno.FsFile.prototype.sync;
  let started = 0;
  let ended = 0;
  let releaseFirst!: () => void;
  const first = new Promise<void>((r) => releaseFirst = r);
  const order: string[] = [];
  Deno.FsFile.prototype.sync = async function (this: Deno.FsFile) {
    const n = ++started;
    order.push(`start ${n}`);
    if (n === 1) await first;
    await real.call(this);
    ended++;
    order.push(`end ${n}`);
  };
  try {
    const a = syncDir(dir);
    const b = syncDir(dir);
    const c = syncDir(dir);
    releaseFirst();
    await Promise.all([a, b, c]);
    assert.deepEqual(order, ["start 1", "end 1", "start 2", "end 2"]);
    assert.equal(ended, 2);
    // Idle again: the next caller starts its own.
    await syncDir(dir);
    assert.equal(started, 3);
  } finally {
    Deno.FsFile.prototype.sync = real;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("syncDir: a directory that cannot be opened is not an error", async () => {
  await syncDir("/no/such/directory/here");
});
