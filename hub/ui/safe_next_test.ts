import assert from "node:assert/strict";
import { HOME, safeNext } from "./safe_next.ts";

Deno.test("safeNext() keeps a path on this hub, with its query", () => {
  assert.equal(safeNext("/ui/workers?region=eu-west"), "/ui/workers?region=eu-west");
  assert.equal(safeNext("/ui/runs/run_1#graph"), "/ui/runs/run_1#graph");
});

Deno.test("safeNext() sends anything that could leave the site home (no open redirect)", () => {
  for (
    const bad of [
      undefined,
      "",
      "//evil.example/x",
      "/\\evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "ui/runs",
      "/\tevil",
      "/%0a",
    ]
  ) {
    const got = safeNext(bad);
    assert.ok(got === HOME || got.startsWith("/") && !got.startsWith("//"), String(bad));
  }
  assert.equal(safeNext("//evil.example/x"), HOME);
  assert.equal(safeNext("javascript:alert(1)"), HOME);
});
