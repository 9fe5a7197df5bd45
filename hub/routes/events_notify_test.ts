/**
 * On PostgreSQL, a hub's event streams wake when another hub commits events
 * (`LISTEN drover_events`), not at the next poll of the newest event id.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { hubEventSchema } from "../../shared/api_schemas_events.ts";
import { readSse, SseParser } from "../../shared/sse_parser.ts";
import { defineTask } from "../../shared/task.ts";
import { startPostgres } from "../../testing/postgres.ts";
import { openDatabase } from "../db/client.ts";
import { testApp } from "../test_app.ts";

const Load = defineTask({
  family: "Load",
  params: z.object({ day: z.iso.date() }),
  run: async () => {},
});

Deno.test("a run submitted through one hub reaches another hub's event stream at once (LISTEN/NOTIFY)", async () => {
  await using pg = await startPostgres({ name: "notify" });
  // Polling alone would take a minute: only the notification can wake the stream in time.
  const events = { pollMs: 60_000 };
  const open = () => openDatabase(pg.url, { busyTimeoutMs: 1_000 });
  await using a = await testApp([Load], { database: await open(), events, hubId: "a" });
  await using b = await testApp([Load], { database: await open(), events, hubId: "b" });

  const res = await a.app.request("/api/events?kind=run.created");
  assert.equal(res.status, 200);
  const messages = readSse(res.body!, new SseParser());
  try {
    const submitted = await b.app.request("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ family: "Load", params: { day: "2026-12-05" } }),
    });
    assert.equal(submitted.status, 201);
    const { runId } = await submitted.json();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const first = await Promise.race([
      messages.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("not woken within 10 s")), 10_000);
      }),
    ]).finally(() => clearTimeout(timer));
    assert.ok(!first.done);
    const event = hubEventSchema.parse(JSON.parse(first.value.data));
    assert.equal(event.kind, "run.created");
    assert.equal(event.runId, runId);
  } finally {
    await messages.return(undefined);
  }
});
