import assert from "node:assert/strict";
import { FAMILY_NAME, taskId } from "./task_id.ts";

const ID_SHAPE = /^[A-Za-z][A-Za-z0-9_.\-]*_[0-9a-f]{10}$/;

Deno.test("taskId() is the same for params in any key order", () => {
  const a = taskId("Load", 1, { table: "orders", runDate: "2026-11-23", opts: { b: 1, a: 2 } });
  const b = taskId("Load", 1, { opts: { a: 2, b: 1 }, runDate: "2026-11-23", table: "orders" });
  assert.equal(a, b);
});

Deno.test("taskId() has the shape family_readable_hash", () => {
  const id = taskId("ExtractRaw", 1, { runDate: "2026-11-23" });
  assert.match(id, /^ExtractRaw_2026-11-23_[0-9a-f]{10}$/);
  assert.match(id, ID_SHAPE);
});

Deno.test("taskId() changes when the version is bumped", () => {
  const params = { runDate: "2026-11-23" };
  const v1 = taskId("ExtractRaw", 1, params);
  const v2 = taskId("ExtractRaw", 2, params);
  assert.notEqual(v1, v2);
  assert.ok(v2.startsWith("ExtractRaw_2026-11-23_"));
});

Deno.test("taskId() differs for different params, families and value types", () => {
  const ids = [
    taskId("A", 1, { n: 1 }),
    taskId("A", 1, { n: 2 }),
    taskId("A", 1, { n: "1" }),
    taskId("A", 1, { m: 1 }),
    taskId("B", 1, { n: 1 }),
    taskId("A", 1, { n: 1, extra: null }),
    taskId("A", 1, {}),
  ];
  assert.equal(new Set(ids).size, ids.length, ids.join("\n"));
});

Deno.test("taskId() differs for params whose readable parts look alike", () => {
  // Both sanitise to "a-b" for humans; the hash must still tell them apart.
  const a = taskId("A", 1, { key: "a/b" });
  const b = taskId("A", 1, { key: "a b" });
  assert.ok(a.startsWith("A_a-b_") && b.startsWith("A_a-b_"));
  assert.notEqual(a, b);
});

Deno.test("taskId() sanitises the readable part to letters, digits, dots and dashes", () => {
  const id = taskId("Fetch", 1, { url: "https://x.io/a b?c=d", n: 7 });
  const readable = id.slice("Fetch_".length, -11);
  assert.match(readable, /^[A-Za-z0-9.\-_]+$/);
  assert.ok(!readable.includes("/") && !readable.includes(" ") && !readable.includes("?"));
  assert.ok(readable.startsWith("7_https-x.io-a-b"));
});

Deno.test("taskId() truncates each readable value and the readable part as a whole", () => {
  const long = "x".repeat(100);
  const one = taskId("T", 1, { a: long });
  assert.equal(one, `T_${"x".repeat(16)}_${one.slice(-10)}`);
  const many = taskId("T", 1, { a: long, b: long, c: long, d: long, e: long });
  const readable = many.slice("T_".length, -11);
  assert.ok(readable.length <= 48, `readable part is ${readable.length} chars: ${readable}`);
  assert.notEqual(many, taskId("T", 1, { a: long, b: long, c: long, d: long, e: long + "y" }));
});

Deno.test("taskId() leaves objects, arrays and nulls out of the readable part", () => {
  const id = taskId("T", 1, { list: [1, 2], nested: { a: 1 }, none: null, flag: true });
  assert.match(id, /^T_true_[0-9a-f]{10}$/);
  assert.match(taskId("T", 1, {}), /^T_[0-9a-f]{10}$/);
  assert.match(taskId("T", 1, [1, 2]), /^T_[0-9a-f]{10}$/);
});

Deno.test("taskId() throws a TypeError for params JSON cannot carry", () => {
  assert.throws(() => taskId("T", 1, { when: new Date(0) }), TypeError);
  assert.throws(() => taskId("T", 1, { n: NaN }), TypeError);
});

Deno.test("taskId() is the same in another Deno process", async () => {
  const params = { table: "orders", runDate: "2026-11-23", opts: { b: [1, 2], a: "x" } };
  const here = taskId("Load", 3, params);
  const module = new URL("./task_id.ts", import.meta.url).href;
  const script = `
    import { taskId } from ${JSON.stringify(module)};
    // Keys in a different order on purpose.
    console.log(taskId("Load", 3, { opts: { a: "x", b: [1, 2] }, runDate: "2026-11-23", table: "orders" }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.equal(new TextDecoder().decode(out.stdout).trim(), here);
});

Deno.test("FAMILY_NAME accepts identifiers and rejects everything else", () => {
  for (const ok of ["A", "ExtractRaw", "load_v2", "x".repeat(100)]) {
    assert.ok(FAMILY_NAME.test(ok), ok);
  }
  for (const bad of ["", "1A", "_A", "A-B", "A B", "A.B", "Ä", "x".repeat(101)]) {
    assert.ok(!FAMILY_NAME.test(bad), bad);
  }
});
