import assert from "node:assert/strict";
import { formatFields, formatTable } from "./format_table.ts";

Deno.test("formatTable() pads every column but the last to its widest cell", () => {
  assert.equal(
    formatTable(["ID", "STATE", "NOTE"], [["a", "done", ""], ["long_id", "failed", "boom"]]),
    ["ID       STATE   NOTE", "a        done", "long_id  failed  boom"].join("\n"),
  );
});

Deno.test("formatTable() keeps each row on one line when a cell holds newlines", () => {
  assert.equal(
    formatTable(["A", "B"], [["x", "line one\n  line two"]]),
    "A  B\nx  line one line two",
  );
});

Deno.test("formatFields() aligns values after their labels", () => {
  assert.equal(
    formatFields([["Run", "run_1"], ["Root task", "A_1"]]),
    "Run        run_1\nRoot task  A_1",
  );
});
