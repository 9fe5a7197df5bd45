/**
 * The hub process: reads the environment, starts the hub, and shuts down
 * cleanly on SIGTERM or SIGINT.
 */
import { loadHubConfig } from "./config.ts";
import { startHub } from "./server.ts";

if (import.meta.main) {
  let config;
  try {
    config = loadHubConfig(Deno.env.toObject());
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const hub = await startHub(config);
  const stop = async () => {
    await hub.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
