import assert from "node:assert/strict";
import { taskId } from "../../shared/task_id.ts";
import { familyOfTask } from "./family_of_task.ts";

Deno.test("familyOfTask() picks the longest family the worker runs that prefixes the id", () => {
  const families = [{ name: "Load" }, { name: "Load_Daily" }, { name: "Extract" }];
  assert.equal(
    familyOfTask(taskId("Load_Daily", 1, { day: "2026-11-23" }), families),
    "Load_Daily",
  );
  assert.equal(familyOfTask(taskId("Load", 1, { day: "2026-11-23" }), families), "Load");
  assert.equal(familyOfTask(taskId("Other", 1, {}), families), "unknown");
  assert.equal(familyOfTask("Extractor_x_0123456789", families), "unknown");
});
