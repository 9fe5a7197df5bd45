/**
 * `deno task start`: a hub on the embedded database plus one local worker
 * process loaded with the examples. Honours the hub's and worker's
 * `DROVER_*` variables. Ctrl-C stops both.
 */
import { hubConfigOrExit } from "../hub/config.ts";
import { startHub } from "../hub/server.ts";
import { createToken } from "../hub/scheduler/tokens.ts";

if (import.meta.main) {
  const config = hubConfigOrExit(Deno.env.toObject());
  let adminToken: string | null = null;
  const hub = await startHub(config, { onAdminToken: (token) => adminToken = token });
  // The local worker gets its own worker token (stored hashed; shown nowhere).
  const { token } = await hub.scheduler.queue.write((tx) =>
    createToken(tx, { role: "worker", scope: {}, name: "local", now: Date.now() })
  );
  const workerEntry = new URL("../examples/worker.ts", import.meta.url).pathname;
  const worker = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", workerEntry],
    env: {
      DROVER_HUB_URL: hub.url,
      DROVER_WORKER_TOKEN: token,
      DROVER_DATA_DIR: config.dataDir,
      DROVER_WORKER_NAME: Deno.env.get("DROVER_WORKER_NAME") ?? "local",
    },
    stdin: "null",
  }).spawn();

  const tokenLines = adminToken
    ? [
      `  This new database's admin token (shown once; the hub keeps only its hash):`,
      "",
      `    export DROVER_URL=${hub.url} DROVER_TOKEN=${adminToken}`,
      "",
    ]
    : [
      `  Use the admin token printed when this database was created (or DROVER_ADMIN_TOKEN):`,
      `    export DROVER_URL=${hub.url} DROVER_TOKEN=drv_tok_…`,
      "",
    ];
  const banner = [
    "",
    `  Drover hub ready at ${hub.url}  (database ${config.dbUrl}, data in ${config.dataDir})`,
    `  One local worker is running the examples.`,
    "",
    ...tokenLines,
    `  Try:  deno task drover submit AggregateShards --param totalShards=10 --wait`,
    `        deno task drover runs`,
    `        open ${hub.url}/api/docs`,
    "",
  ].join("\n");
  console.error(banner);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      worker.kill("SIGTERM");
    } catch { /* already gone */ }
    await worker.status;
    await hub.close();
    Deno.exit(code);
  };
  Deno.addSignalListener("SIGINT", () => stop(0));
  Deno.addSignalListener("SIGTERM", () => stop(0));
  const status = await worker.status;
  if (!stopping) {
    console.error(`The local worker exited with code ${status.code}; stopping the hub.`);
    await stop(1);
  }
}
