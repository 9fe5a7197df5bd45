/**
 * `deno task test:postgres [paths…]`: the test suite on PostgreSQL. Starts a
 * throwaway PostgreSQL server (`testing/postgres.ts`), runs `deno test` on
 * `paths` (default below) with `DROVER_TEST_POSTGRES` naming it, so every
 * test database is a fresh PostgreSQL database there (`hub/db/test_database.ts`,
 * `testing/start_cluster.ts`), then stops the server and exits with the tests' code.
 */
import { startPostgres } from "../testing/postgres.ts";

/**
 * By default: the hub's own tests, and the end-to-end tests whose hubs get
 * their database from `testDbUrl` or `startCluster` (a PostgreSQL database
 * when `DROVER_TEST_POSTGRES` is set). The `tests/postgres_*` tests start
 * their own servers and run in `deno task test`; the others are about a
 * libSQL file (backups, `deno task start`), the process or the build.
 */
const DEFAULT_PATHS = [
  "hub/",
  "tests/api_docs_browser_test.ts",
  "tests/backfill_test.ts",
  "tests/big_run_test.ts",
  "tests/cli_test.ts",
  "tests/cli_admin_test.ts",
  "tests/cli_retry_test.ts",
  "tests/code_conflict_test.ts",
  "tests/db_prune_test.ts",
  "tests/docs_examples_test.ts",
  "tests/events_test.ts",
  "tests/fleet_test.ts",
  "tests/fuzz_test.ts",
  "tests/hooks_test.ts",
  "tests/hub_restart_test.ts",
  "tests/metrics_test.ts",
  "tests/pipeline_test.ts",
  "tests/prometheus_e2e_test.ts",
  "tests/protocol_test.ts",
  "tests/protocol_batch_test.ts",
  "tests/reliability_test.ts",
  "tests/store_outputs_test.ts",
  "tests/schedules_test.ts",
  "tests/staging_sweep_test.ts",
  "tests/stale_epoch_test.ts",
  "tests/task_logs_test.ts",
  "tests/task_model_test.ts",
  "tests/task_model_ops_test.ts",
  "tests/tls_test.ts",
  "tests/tokens_test.ts",
  "tests/triggers_test.ts",
  "tests/ui_access_browser_test.ts",
  "tests/ui_graph_browser_test.ts",
  "tests/ui_runs_browser_test.ts",
  "tests/worker_killed_test.ts",
  "tests/worker_main_test.ts",
  "tests/worker_refused_test.ts",
];

const paths = Deno.args.length > 0 ? Deno.args : DEFAULT_PATHS;
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
