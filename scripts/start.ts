/**
 * `deno task start`: a hub on the embedded database plus one local worker
 * process loaded with the examples. Honours the hub's and worker's
 * `DROVER_*` variables. Ctrl-C stops both.
 *
 * For local use it keeps an admin token in `.drover/admin-token` (mode 0600,
 * made on first start) and hands it to the hub as `DROVER_ADMIN_TOKEN`, so
 * the CLI in another terminal can use it after any restart. A hub started
 * any other way never writes its token to disk.
 */
import {
  type HubConfig,
  hubConfigOrExit,
  ListenError,
  type RunningHub,
  startHub,
} from "../hub/mod.ts";
import { generateToken, TOKEN_PATTERN } from "../shared/token_format.ts";

/** How long the local worker gets to connect before `deno task start` gives up. */
const CONNECT_TIMEOUT_MS = 60_000;

if (import.meta.main) {
  const config = hubConfigOrExit(Deno.env.toObject());
  const tokenFile = config.adminToken ? null : await localAdminToken();
  if (tokenFile) config.adminToken = tokenFile.token;
  const hub = await startHub(config).catch((error) => {
    if (!(error instanceof ListenError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  });
  // The local worker gets its own worker token (stored hashed; shown nowhere).
  const { token, info } = await hub.core.fleet.createToken({
    role: "worker",
    scope: {},
    name: "local",
  });
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

  // The banner says the hub is ready only once the worker is: a run submitted
  // before the worker's hello would find no family registered.
  const problem = await localWorkerConnected(hub, info.id, worker.status);
  if (problem) {
    console.error(`\n  ${problem}; stopping the hub.\n`);
    await stop(1);
  }
  const drover = droverCommands(Deno.env.toObject(), Deno.version.deno);
  console.error(banner(hub.url, config, tokenFile?.path ?? null, drover));
  const status = await worker.status;
  if (!stopping) {
    console.error(`The local worker exited with code ${status.code}; stopping the hub.`);
    await stop(1);
  }
}

/**
 * Waits until the worker with token `tokenId` is connected; resolves with
 * what went wrong instead (it exited, or did not connect in time), or null.
 */
async function localWorkerConnected(
  hub: RunningHub,
  tokenId: string,
  exited: Promise<Deno.CommandStatus>,
): Promise<string | null> {
  const gaveUp = new AbortController();
  const timer = setTimeout(
    () =>
      gaveUp.abort(
        `The local worker did not connect within ${
          CONNECT_TIMEOUT_MS / 1000
        } s (see its log above)`,
      ),
    CONNECT_TIMEOUT_MS,
  );
  void exited.then((s) =>
    gaveUp.abort(`The local worker exited with code ${s.code} before it connected`)
  );
  try {
    await hub.core.links.connected((link) => link.tokenId === tokenId, gaveUp.signal);
    return null;
  } catch (reason) {
    return String(reason);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How to run the CLI from here, as this process was started: `npx` and
 * `npm exec` set `npm_command=exec` (and `npm_lifecycle_event=npx`), and a
 * machine that ran `npx -y deno@… task start` may have no `deno` on its
 * PATH. Other npm-like launchers (`npm run`, pnpm, yarn, bun) leave an
 * `npm_execpath` or their own `npm_config_user_agent`: then both ways are
 * shown. `deno task` sets `npm_config_user_agent=deno/…` itself when none is
 * set, so that one means nothing.
 */
export function droverCommands(
  env: Readonly<Record<string, string | undefined>>,
  denoVersion: string,
): { command: string; alternative: string | null } {
  const deno = "deno task drover";
  const npx = `npx -y deno@${denoVersion} task drover`;
  if (env.npm_command === "exec") return { command: npx, alternative: null };
  const agent = env.npm_config_user_agent ?? "";
  const npmLike = Boolean(env.npm_execpath) || (agent !== "" && !agent.startsWith("deno/"));
  return { command: deno, alternative: npmLike ? npx : null };
}

/** What `deno task start` prints once the hub and its worker are ready. */
export function banner(
  url: string,
  config: Pick<HubConfig, "dbUrl" | "dataDir">,
  tokenPath: string | null,
  drover: { command: string; alternative: string | null },
): string {
  const tokenLines = tokenPath
    ? [
      `  For the CLI in another terminal (admin token kept in ${tokenPath}):`,
      "",
      `    export DROVER_URL=${url} DROVER_TOKEN=$(cat ${tokenPath})`,
      "",
    ]
    : [
      `  For the CLI in another terminal: export DROVER_URL=${url} and your DROVER_TOKEN`,
      "",
    ];
  return [
    "",
    `  Drover hub ready at ${url}  (database ${config.dbUrl}, data in ${config.dataDir})`,
    `  One local worker is connected and running the examples.`,
    "",
    ...tokenLines,
    `  Try:  ${drover.command} submit AggregateShards --param totalShards=10 --wait`,
    `        ${drover.command} runs`,
    `        open ${url}/api/docs`,
    "",
    `  Watch: curl -N -H "authorization: Bearer $DROVER_TOKEN" ${url}/api/events`,
    `         curl -s -H "authorization: Bearer $DROVER_TOKEN" ${url}/metrics`,
    `         ${drover.command} logs TASK_ID`,
    "",
    ...(drover.alternative === null ? [] : [
      `  Without deno on your PATH, run "${drover.alternative} …" instead of "${drover.command} …".`,
      "",
    ]),
  ].join("\n");
}

/** The local admin token in `.drover/admin-token`, made (mode 0600) on first use. */
async function localAdminToken(): Promise<{ path: string; token: string }> {
  const path = ".drover/admin-token";
  try {
    const token = (await Deno.readTextFile(path)).trim();
    if (TOKEN_PATTERN.test(token)) return { path, token };
    console.error(`${path} does not hold a Drover token; making a new one`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const { token } = generateToken();
  await Deno.mkdir(".drover", { recursive: true });
  await Deno.writeTextFile(path, `${token}\n`, { mode: 0o600 });
  return { path, token };
}
