import assert from "node:assert/strict";
import { resolvePointer } from "./json_pointer.ts";

Deno.test("resolvePointer() follows RFC 6901, escapes included, and finds nothing past a leaf", () => {
  const doc = { a: [{ b: 1 }, { "c/d": "x", "e~f": null }], "": 2 };
  assert.equal(resolvePointer(doc, "/a/0/b"), 1);
  assert.equal(resolvePointer(doc, "/a/1/c~1d"), "x");
  assert.equal(resolvePointer(doc, "/a/1/e~0f"), null);
  assert.equal(resolvePointer(doc, "/"), 2);
  assert.deepEqual(resolvePointer(doc, ""), doc);
  for (const missing of ["/a/2", "/a/01", "/a/-", "/a/0/b/c", "/x", "/toString"]) {
    assert.equal(resolvePointer(doc, missing), undefined, missing);
  }
});
