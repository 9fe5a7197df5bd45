/**
 * `deno task test:postgres [paths…]`: the test suite on PostgreSQL. Starts a
 * throwaway PostgreSQL server (`testing/postgres.ts`), runs `deno test` on
 * `paths` (default `hub/`) with `DROVER_TEST_POSTGRES` naming it, so every
 * test database is a fresh PostgreSQL database there (`hub/db/test_database.ts`),
 * then stops the server and exits with the tests' code.
 */
import { startPostgres } from "../testing/postgres.ts";

const paths = Deno.args.length > 0 ? Deno.args : ["hub/"];
const server = await startPostgres({ name: "suite" });
let code = 1;
try {
  console.error(`PostgreSQL ${server.url} (PID ${server.pid})`);
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--parallel", ...paths],
    env: { DROVER_TEST_POSTGRES: server.url },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  code = (await run.status).code;
} finally {
  await server[Symbol.asyncDispose]();
}
Deno.exit(code);
