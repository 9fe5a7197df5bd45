/**
 * The hub process as `hub/main.ts` runs it, plus two lines the benchmark
 * reads whatever the log level: where it listens, and (on SIGTERM, after a
 * clean close) the write queue's group-commit figures and the scheduler's
 * counters. Those figures live only in the hub's memory; no route shows them.
 */
import { createClient } from "@libsql/client";
import { hubConfigOrExit, startHub } from "../hub/mod.ts";
import { createLogger } from "../shared/log.ts";

/**
 * Drops the triggers that record events (the hub has migrated the database;
 * nothing is submitted yet): the "instrumentation off" side of the bench's
 * cost comparison.
 */
async function dropEventTriggers(dbUrl: string, busyTimeoutMs: number): Promise<number> {
  const client = createClient({ url: dbUrl, timeout: busyTimeoutMs });
  try {
    const { rows } = await client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name GLOB 'events_*'",
    );
    for (const row of rows) await client.execute(`DROP TRIGGER "${row.name}"`);
    return rows.length;
  } finally {
    client.close();
  }
}

if (import.meta.main) {
  const config = hubConfigOrExit(Deno.env.toObject());
  const benchLog = createLogger({ level: "info" });
  const hub = await startHub(config, { log: createLogger({ level: config.logLevel }) });
  if (Deno.env.get("DROVER_BENCH_EVENTS") === "off") {
    const dropped = await dropEventTriggers(config.dbUrl, config.busyTimeoutMs);
    benchLog.info("bench hub: event recording off", { triggersDropped: dropped });
  }
  benchLog.info("bench hub listening", { url: hub.url, hubId: hub.hubId });
  const stop = async () => {
    await hub.close();
    benchLog.info("bench hub stats", { ...hub.stats() });
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
