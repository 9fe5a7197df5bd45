/**
 * The hub process as `hub/main.ts` runs it, plus two lines the benchmark
 * reads whatever the log level: where it listens, and (on SIGTERM, after a
 * clean close) the write queue's group-commit figures and the scheduler's
 * counters. Those figures live only in the hub's memory; no route shows them.
 */
import { hubConfigOrExit, startHub } from "../hub/mod.ts";
import { createLogger } from "../shared/log.ts";

if (import.meta.main) {
  const config = hubConfigOrExit(Deno.env.toObject());
  const benchLog = createLogger({ level: "info" });
  const hub = await startHub(config, { log: createLogger({ level: config.logLevel }) });
  benchLog.info("bench hub listening", { url: hub.url, hubId: hub.hubId });
  const stop = async () => {
    await hub.close();
    benchLog.info("bench hub stats", hub.stats());
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
