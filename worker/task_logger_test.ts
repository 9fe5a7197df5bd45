import assert from "node:assert/strict";
import { createLogger, type LogLevel } from "../shared/log.ts";
import type { AttemptLog } from "./log_shipper.ts";
import { taskLogger } from "./task_logger.ts";

function setup() {
  const written: Array<Record<string, unknown>> = [];
  const shipped: Array<[LogLevel, string, Record<string, unknown> | undefined]> = [];
  const processLog = createLogger({ level: "debug", write: (l) => written.push(JSON.parse(l)) })
    .child({ workerId: "w1" });
  const attemptLog: AttemptLog = {
    write: (level, msg, fields) => void shipped.push([level, msg, fields]),
    end: () => {},
  };
  const log = taskLogger(processLog, attemptLog, { taskId: "T_1_ab", epoch: 4, attempt: 2 });
  return { log, written, shipped };
}

Deno.test("taskLogger() writes each line to the worker's log with the task's ids, and ships it", () => {
  const { log, written, shipped } = setup();
  log.info("rows loaded", { rows: 3 });
  log.child({ table: "users" }).debug("detail");
  assert.deepEqual(written.map(({ time: _, ...l }) => l), [
    {
      level: "info",
      msg: "rows loaded",
      workerId: "w1",
      rows: 3,
      taskId: "T_1_ab",
      epoch: 4,
      attempt: 2,
    },
    {
      level: "debug",
      msg: "detail",
      workerId: "w1",
      table: "users",
      taskId: "T_1_ab",
      epoch: 4,
      attempt: 2,
    },
  ]);
  assert.deepEqual(shipped, [
    ["info", "rows loaded", { rows: 3 }],
    ["debug", "detail", { table: "users" }],
  ]);
});

Deno.test("taskLogger() keeps the task's ids over same-named fields, and never throws", () => {
  const { log, written, shipped } = setup();
  log.warn("spoof", { taskId: "Other_1_cd", attempt: 99 });
  const hostile = {
    get boom(): never {
      throw new Error("getter");
    },
  };
  log.error("hostile", hostile);
  assert.equal(written[0]!.taskId, "T_1_ab");
  assert.equal(written[0]!.attempt, 2);
  assert.deepEqual(shipped[0]![2], { taskId: "Other_1_cd", attempt: 99 }, "shipped as written");
  assert.deepEqual(shipped[1]![2], { boom: "[unreadable]" });
  assert.equal(written[1]!.boom, "[unreadable]");
});
