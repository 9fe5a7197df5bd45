/**
 * `drover`, the command-line client of a Drover hub: `deno task drover help`.
 * The only place in cli/ that reads the environment and exits the process
 * (`drover hub` and `drover worker` run hub/main.ts's and worker/main.ts's
 * code, which exits on SIGTERM and SIGINT).
 */
import { createDenoIo } from "./io.ts";
import { runCli } from "./run_cli.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args, { env: Deno.env.toObject(), io: createDenoIo() });
  Deno.exit(code);
}
