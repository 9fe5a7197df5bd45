/**
 * `deno task compile:worker` end to end: the script builds a binary (where
 * `deno compile` can get its denort runtime) or else a single-file bundle,
 * and whichever it built runs, from a directory outside the repository, as a
 * worker of a real hub until a sharded run is done.
 */
import assert from "node:assert/strict";
import { createWorkerToken } from "../testing/create_worker_token.ts";
import { ProcessHandle } from "../testing/process_handle.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import {
  bundlePath,
  downloadFailureCause,
  isRuntimeDownloadFailure,
  MINIMAL_PERMISSIONS,
  parseCompileArgs,
} from "../scripts/compile_worker.ts";
import { WORKER_VERSION } from "../worker/mod.ts";
import { removeTree } from "../testing/remove_tree.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SCRIPT = `${ROOT}scripts/compile_worker.ts`;

/** What `deno compile` 2.9.6 prints when it cannot download denort (no DNS here). */
const NO_DENORT = `Check examples/worker.ts
Compile examples/worker.ts to dist/drover-worker
Download https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
error: Writing deno compile executable to temporary file 'dist/drover-worker.tmp-b91ddea3'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)
`;

async function runScript(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

Deno.test("parseCompileArgs() resolves the entry and --out from the caller's directory", () => {
  const a = parseCompileArgs(
    ["my/worker.ts", "--out", "bin/w", "--target=x86_64-apple-darwin"],
    "/home/me",
  );
  assert.equal(a.entry, "/home/me/my/worker.ts");
  assert.equal(a.out, "/home/me/bin/w");
  assert.equal(a.target, "x86_64-apple-darwin");
  const d = parseCompileArgs(["--", "--include", "npm:pg"], "/x");
  assert.equal(d.entry, `${ROOT}examples/worker.ts`);
  assert.equal(d.out, `${ROOT}dist/drover-worker`);
  assert.deepEqual(d.extra, ["--include", "npm:pg"]);
  assert.throws(() => parseCompileArgs(["--out"], "/x"), /--out needs a value/);
  assert.throws(() => parseCompileArgs(["--nope"], "/x"), /Unknown option "--nope"/);
  assert.throws(() => parseCompileArgs(["a.ts", "b.ts"], "/x"), /Only one entry point/);
  assert.equal(bundlePath("/d/drover-worker"), "/d/drover-worker.js");
  assert.equal(bundlePath("/d/w.js"), "/d/w.js");
});

Deno.test("isRuntimeDownloadFailure() tells a missing denort from a type error", () => {
  assert.ok(isRuntimeDownloadFailure(NO_DENORT));
  assert.match(downloadFailureCause(NO_DENORT) ?? "", /^error sending request for url .*dns error/);
  assert.ok(
    !isRuntimeDownloadFailure(
      "Download https://registry.npmjs.org/zod\nTS2322 [ERROR]: Type 'string' is not assignable to type 'number'.",
    ),
  );
});

Deno.test("compile:worker builds a worker that runs a sharded run from outside the repository", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-compile-" });
  try {
    const out = `${dir}/dist/drover-worker`;
    const built = await runScript(["examples/worker.ts", "--out", out]);
    assert.equal(built.code, 0, built.output);

    let command: string[];
    const isBinary = await Deno.stat(out).then((s) => s.isFile, () => false);
    if (isBinary) {
      assert.match(built.output, /Worker binary: /);
      command = [out];
    } else {
      // No denort here: the script must have said so and left a bundle with everything in it.
      if (!Deno.env.get("DENORT_BIN")) {
        assert.match(
          built.output,
          /deno compile needs the denort runtime, which could not be downloaded here/,
        );
      }
      assert.match(built.output, /Run it with: .*deno run -A .*drover-worker\.js/);
      const bundle = await Deno.readTextFile(bundlePath(out));
      assert.doesNotMatch(
        bundle,
        /from\s*["'](npm:|zod)/,
        "npm packages are bundled, not imported",
      );
      // The documented minimal permissions are enough for the worker runtime.
      command = [Deno.execPath(), "run", ...MINIMAL_PERMISSIONS, bundlePath(out)];
    }

    // An empty directory outside the repository: no deno.json, no node_modules.
    const cwd = `${dir}/run`;
    await Deno.mkdir(cwd);
    await using hub = await spawnHub({ dbUrl: `file:${dir}/hub.db` });
    const child = new Deno.Command(command[0]!, {
      args: command.slice(1),
      cwd,
      env: {
        DROVER_HUB_URL: hub.url,
        DROVER_WORKER_TOKEN: await createWorkerToken(hub.api),
        DROVER_WORKER_NAME: "compiled",
        DROVER_WORKER_STATE_DIR: "state",
        DROVER_DATA_DIR: "data",
        DROVER_WORKER_GRACE_MS: "2000",
      },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await using worker = new ProcessHandle(child, "compiled");
    await worker.waitFor((l) => l.msg === "connected to the hub", 30_000, '"connected to the hub"');

    const { body: list } = await hub.api.request<{ workers: { name: string; version: string }[] }>(
      "/api/workers",
    );
    const seen = list.workers.find((w) => w.name === "compiled");
    assert.equal(seen?.version, WORKER_VERSION, JSON.stringify(list));

    const { status, body } = await hub.api.request<{ runId: string }>("/api/runs", {
      body: { family: "AggregateShards", params: { totalShards: 2 } },
    });
    assert.equal(status, 201, JSON.stringify(body));
    const run = await waitForRun(hub.api, body.runId, { timeoutMs: 40_000 });
    assert.equal(run.state, "done", JSON.stringify(run));
    // Relative DROVER_DATA_DIR and DROVER_WORKER_STATE_DIR land in the worker's own directory.
    assert.ok((await Deno.stat(`${cwd}/data`)).isDirectory);

    const exit = await worker.stop();
    assert.equal(exit.code, 0, "SIGTERM is a clean exit");
  } finally {
    await removeTree(dir);
  }
});

Deno.test("compile:cli builds the drover CLI, which talks to a hub from outside the repository", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-compile-cli-" });
  try {
    const out = `${dir}/dist/drover`;
    const built = await runScript(["cli/main.ts", "--out", out, "--no-verify"]);
    assert.equal(built.code, 0, built.output);
    const isBinary = await Deno.stat(out).then((s) => s.isFile, () => false);
    const command = isBinary ? [out] : [Deno.execPath(), "run", "-A", bundlePath(out)];
    await using hub = await spawnHub({ dbUrl: `file:${dir}/hub.db` });
    const cwd = `${dir}/run`;
    await Deno.mkdir(cwd);
    const result = await new Deno.Command(command[0]!, {
      args: [...command.slice(1), "token", "list", "--json"],
      cwd,
      env: { DROVER_URL: hub.url, DROVER_TOKEN: hub.adminToken, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    assert.equal(result.code, 0, stderr);
    const { tokens } = JSON.parse(new TextDecoder().decode(result.stdout));
    assert.ok(tokens.some((t: { role: string }) => t.role === "admin"));
  } finally {
    await removeTree(dir);
  }
});

Deno.test("compile:worker stops with exit 1 when DENORT_BIN names no file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-compile-" });
  try {
    const r = await runScript(["--out", `${dir}/w`], { DENORT_BIN: `${dir}/missing-denort` });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /DENORT_BIN is ".*missing-denort", which is not a file/);
  } finally {
    await removeTree(dir);
  }
});

Deno.test({
  name:
    "compile:worker removes a binary that does not start as a worker (DENORT_BIN is not denort)",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "drover-compile-" });
    try {
      // /bin/sh runs as the "runtime" and ignores the embedded program: exit 0, no config check.
      const r = await runScript(["--out", `${dir}/w`], { DENORT_BIN: "/bin/sh" });
      assert.equal(r.code, 1, r.output);
      assert.match(r.output, /did not start as a Drover worker .*so it was removed/);
      await assert.rejects(Deno.stat(`${dir}/w`), Deno.errors.NotFound);
    } finally {
      await removeTree(dir);
    }
  },
});

Deno.test("compile:worker rejects an unknown option with exit 2 and the usage", async () => {
  const r = await runScript(["--bogus"]);
  assert.equal(r.code, 2);
  assert.match(r.output, /Unknown option "--bogus"\nUsage: deno task compile:worker/);
});
