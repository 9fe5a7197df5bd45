import assert from "node:assert/strict";
import { formatTable } from "./format_table.ts";

Deno.test("formatTable() pads each column to its widest cell and right-aligns numbers", () => {
  const text = formatTable(
    [{ header: "workload" }, { header: "s", align: "right" }],
    [["wide-1k", "1.25"], ["chain-500", "12.50"]],
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
  const text = formatTable([{ header: "a" }, { header: "bb" }], [["x"]]);
  assert.deepEqual(text.split("\n"), ["a  bb", "-  --", "x"]);
});

Deno.test("formatTable() refuses a row with more cells than columns", () => {
  assert.throws(() => formatTable([{ header: "a" }], [["1", "2"]]), /Row 0 has 2 cells/);
});
