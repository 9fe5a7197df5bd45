/** The retention timer of the hub's core: events older than DROVER_EVENT_RETENTION go. */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { silentLogger } from "../../shared/log.ts";
import { openDatabase } from "../db/client.ts";
import { loadHubConfig } from "../config.ts";
import { HubCore } from "./hub_core.ts";

Deno.test("the retention timer prunes events past DROVER_EVENT_RETENTION, and keeps the young", async () => {
  const config = loadHubConfig({ DROVER_EVENT_RETENTION: "2h" });
  const database = await openDatabase(":memory:", { busyTimeoutMs: 1_000 });
  let now = 0;
  const core = new HubCore({
    database,
    hubId: "h",
    hubUrl: () => "http://x",
    leaseTtlMs: 1_000,
    log: silentLogger,
    now: () => now,
    eventRetentionMs: config.eventRetentionMs,
    pruneIntervalMs: 20,
  });
  const count = async () =>
    (await core.read((db) => db.all<{ n: number }>(sql`SELECT count(*) AS n FROM events`)))[0]!.n;
  try {
    await core.queue.write((tx) =>
      tx.run(sql`INSERT INTO events (at, kind) VALUES (0, 'run.created'), (1000, 'run.state'),
        (${2 * 3_600_000 + 500}, 'run.created')`)
    );
    now = 2 * 3_600_000 + 1_001; // the first two are older than 2 h
    await core.start();
    const deadline = Date.now() + 10_000;
    while ((await count()) > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const left = await core.read((db) => db.all<{ at: number }>(sql`SELECT at FROM events`));
    assert.deepEqual(left.map((e) => e.at), [2 * 3_600_000 + 500]);
  } finally {
    await core.stop();
    database.close();
  }
});
