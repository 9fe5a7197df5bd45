/**
 * The hub process: reads the environment, starts the hub, and shuts down
 * cleanly on SIGTERM or SIGINT. `drover hub` runs the same function.
 */
import { hubConfigOrExit } from "./config.ts";
import { DatabaseOpenError } from "./db/client.ts";
import { ListenError } from "./listen_error.ts";
import { type RunningHub, startHub } from "./server.ts";

/**
 * Starts the hub configured by `env` (`DROVER_*`; exits 2 naming every bad
 * variable, the address it cannot listen on, or the database it cannot open) and exits the process with 0
 * once SIGTERM or SIGINT has closed it.
 */
export async function runHubProcess(env: Record<string, string | undefined>): Promise<RunningHub> {
  const config = hubConfigOrExit(env);
  const hub = await startHub(config).catch((error) => {
    if (!(error instanceof ListenError) && !(error instanceof DatabaseOpenError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  });
  const stop = async () => {
    await hub.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  return hub;
}

if (import.meta.main) {
  await runHubProcess(Deno.env.toObject());
}
