import assert from "node:assert/strict";
import { formatFields, formatTable } from "./text_table.ts";

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

Deno.test("formatTable() right-aligns numbers and draws a rule under the headers", () => {
  const text = formatTable(
    [{ header: "workload" }, { header: "s", align: "right" }],
    [["wide-1k", "1.25"], ["chain-500", "12.50"]],
    { rule: true },
  );
  assert.equal(
    text,
    [
      "workload       s",
      "---------  -----",
      "wide-1k     1.25",
      "chain-500  12.50",
    ].join("\n"),
  );
});

Deno.test("formatTable() fills missing cells with blanks and trims trailing spaces", () => {
  const text = formatTable([{ header: "a" }, { header: "bb" }], [["x"]], { rule: true });
  assert.deepEqual(text.split("\n"), ["a  bb", "-  --", "x"]);
});

Deno.test("formatTable() refuses a row with more cells than columns", () => {
  assert.throws(() => formatTable([{ header: "a" }], [["1", "2"]]), /Row 0 has 2 cells/);
});

Deno.test("formatTable() counts code points, so accented cells line up", () => {
  assert.equal(formatTable(["A", "B"], [["é", "x"], ["ab", "y"]]), "A   B\né   x\nab  y");
});

Deno.test("formatFields() aligns values after their labels", () => {
  assert.equal(
    formatFields([["Run", "run_1"], ["Root task", "A_1"]]),
    "Run        run_1\nRoot task  A_1",
  );
});
