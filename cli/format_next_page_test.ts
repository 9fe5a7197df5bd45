import assert from "node:assert/strict";
import { formatNextPage, shellQuote } from "./format_next_page.ts";

Deno.test("formatNextPage() repeats the filters that were set and adds the cursor", () => {
  assert.equal(
    formatNextPage("runs", { state: "failed", family: null, limit: 20 }, "eyJ0IjoxfQ"),
    "More: drover runs --state failed --limit 20 --cursor eyJ0IjoxfQ",
  );
  assert.equal(
    formatNextPage("audit", { action: null }, "c=2"),
    "More: drover audit --cursor c=2",
  );
});

Deno.test("shellQuote() quotes only words a shell would split or expand", () => {
  assert.equal(shellQuote("run.submit"), "run.submit");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote("$HOME"), "'$HOME'");
});
