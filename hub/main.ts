/**
 * The hub process: reads the environment, starts the hub, and shuts down
 * cleanly on SIGTERM or SIGINT.
 */
import { hubConfigOrExit } from "./config.ts";
import { startHub } from "./server.ts";

if (import.meta.main) {
  const config = hubConfigOrExit(Deno.env.toObject());
  const hub = await startHub(config);
  const stop = async () => {
    await hub.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
