/**
 * `deno task start` (scripts/start.ts) from an empty directory: it says the
 * hub is ready only once its local worker is connected, so a run submitted
 * the moment the banner appears finds the example families; and when the
 * worker cannot start, it says so and stops.
 */
import assert from "node:assert/strict";
import { createApiClient } from "../testing/api_client.ts";
import { ProcessHandle } from "../testing/process_handle.ts";
import { waitForRun } from "../testing/wait_for_run.ts";

const START = new URL("../scripts/start.ts", import.meta.url).pathname;

/** What `npx -y deno@2.9.6 task start` sets (npm 11, seen by printing the environment). */
const NPX_ENV = {
  npm_command: "exec",
  npm_lifecycle_event: "npx",
  npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js",
  npm_config_user_agent: "npm/11.19.1 node/v20.20.2 linux x64 workspaces/false",
};

/**
 * Starts scripts/start.ts in `cwd` with this environment less its npm
 * variables (the suite itself may run under npx), plus `env`.
 */
function start(cwd: string, env: Record<string, string> = {}): ProcessHandle {
  const inherited = Object.entries(Deno.env.toObject()).filter(([k]) => !/^npm_/i.test(k));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", START],
    cwd,
    clearEnv: true,
    env: {
      ...Object.fromEntries(inherited),
      DROVER_PORT: "0",
      DROVER_LOG_LEVEL: "warn",
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  return new ProcessHandle(child, "start");
}

Deno.test("deno task start prints its banner once the worker is connected: a run submitted then is accepted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-start-" });
  try {
    await using proc = start(dir);
    const ready = await proc.waitFor(
      (l) => /Drover hub ready at http:/.test(l.msg ?? ""),
      60_000,
      "the banner",
    );
    const url = /ready at (http:\/\/\S+)/.exec(ready.msg!)![1]!;
    assert.ok(proc.lines.some((l) => /One local worker is connected/.test(l.msg ?? "")));
    const text = await bannerText(proc);
    assert.match(text, /^ {2}Try: {2}deno task drover submit AggregateShards /m);
    assert.match(text, /^ {8}deno task drover runs$/m);
    assert.doesNotMatch(text, /npx/, "started by deno task: no npx line");
    const token = (await Deno.readTextFile(`${dir}/.drover/admin-token`)).trim();
    const api = createApiClient(url, token);
    const { runId } = await api.submit("AggregateShards", { totalShards: 2 });
    assert.equal((await waitForRun(api, runId, { timeoutMs: 30_000 })).state, "done");
    const status = await proc.stop();
    assert.equal(status.code, 0, "SIGTERM stops the worker and the hub cleanly");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task start started through npx says to run the CLI through npx too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-start-" });
  try {
    await using proc = start(dir, NPX_ENV);
    const text = await bannerText(proc);
    const npx = `npx -y deno@${Deno.version.deno} task drover`;
    assert.ok(
      text.includes(`  Try:  ${npx} submit AggregateShards --param totalShards=10 --wait\n`),
      text,
    );
    assert.ok(text.includes(`\n        ${npx} runs\n`), text);
    assert.doesNotMatch(text, /deno task drover/);
    assert.equal((await proc.stop()).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The banner's lines, once its last one (the docs URL) is out. */
async function bannerText(proc: ProcessHandle): Promise<string> {
  await proc.waitFor((l) => /^ +open http:\S+\/api\/docs$/.test(l.msg ?? ""), 60_000, "the banner");
  const lines = proc.lines.map((l) => l.msg ?? "");
  return lines.slice(lines.findIndex((l) => /Drover hub ready/.test(l))).join("\n");
}

Deno.test("deno task start says why and stops when its worker exits before connecting", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-start-" });
  try {
    await using proc = start(dir, { DROVER_WORKER_SLOTS: "0" });
    const status = await proc.child.status;
    assert.equal(status.code, 1);
    await proc.stop();
    const text = proc.lines.map((l) => l.msg ?? "").join("\n");
    assert.match(text, /DROVER_WORKER_SLOTS/, "the worker's own complaint is shown");
    assert.match(text, /The local worker exited with code 2 before it connected; stopping the hub/);
    assert.doesNotMatch(text, /Drover hub ready/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
