/**
 * `drover`, the command-line client of a Drover hub: `deno task drover help`.
 * The only place that reads the environment and exits the process.
 */
import { createDenoIo } from "./io.ts";
import { runCli } from "./run_cli.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args, { env: Deno.env.toObject(), io: createDenoIo() });
  Deno.exit(code);
}
