import assert from "node:assert/strict";
import { LABEL_MAX, taskLabel } from "./task_label.ts";

Deno.test("taskLabel() shows params as key=value in key order, shortened with an ellipsis", () => {
  assert.equal(taskLabel('{"m":1,"l":"x y"}'), "l=x y m=1");
  assert.equal(taskLabel('{"list":[1,2],"o":{"a":null}}'), 'list=[1,2] o={"a":null}');
  assert.equal(taskLabel("{}"), "");
  const long = taskLabel(JSON.stringify({ text: "<script>".repeat(10) }));
  assert.equal(long.length, LABEL_MAX);
  assert.ok(long.startsWith("text=<script><script>") && long.endsWith("…"));
  assert.equal(taskLabel("not json"), "not json");
});
