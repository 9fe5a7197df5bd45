import assert from "node:assert/strict";
import type { z } from "zod";
import {
  familyDetailSchema,
  runStatusSchema,
  taskDetailSchema,
  taskSchema,
} from "../shared/api_schemas.ts";
import { backfillStatusSchema } from "../shared/api_schemas_backfills.ts";
import {
  auditEntrySchema,
  pauseSchema,
  tokenCreatedSchema,
  workerSchema,
} from "../shared/api_schemas_admin.ts";
import {
  fakeAuditEntry,
  fakeBackfill,
  fakeCreatedToken,
  fakeFamily,
  fakePause,
  fakeRun,
  fakeTask,
  fakeTaskDetail,
  fakeWorker,
} from "./fake_answers.ts";

Deno.test("every fake answer has the shape the hub's schema gives it", () => {
  const cases: [string, z.ZodType, unknown][] = [
    ["fakeRun", runStatusSchema, fakeRun({ counts: { done: 2, ready: 1 } })],
    ["fakeTask", taskSchema, fakeTask()],
    ["fakeTaskDetail", taskDetailSchema, fakeTaskDetail({ id: "Load_2026-11-23_ab" })],
    ["fakeFamily", familyDetailSchema, fakeFamily()],
    ["fakeBackfill", backfillStatusSchema, fakeBackfill()],
    ["fakeWorker", workerSchema, fakeWorker()],
    ["fakeCreatedToken", tokenCreatedSchema, fakeCreatedToken()],
    ["fakePause", pauseSchema, fakePause()],
    ["fakeAuditEntry", auditEntrySchema, fakeAuditEntry()],
  ];
  for (const [name, schema, answer] of cases) {
    const parsed = schema.safeParse(answer);
    assert.ok(parsed.success, `${name}(): ${parsed.error?.message}`);
    assert.deepEqual(parsed.data, answer, `${name}() parses to itself`);
  }
});

Deno.test("fakeRun() summarises its counts unless given a summary", () => {
  assert.deepEqual(fakeRun({ counts: { done: 2, leased: 1, waiting: 2, cancelled: 1 } }).summary, {
    alreadyDone: 0,
    completed: 2,
    failed: 0,
    blocked: 0,
    cancelled: 1,
    pending: 3,
  });
});
