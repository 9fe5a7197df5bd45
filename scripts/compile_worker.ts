/**
 * `deno task compile:worker [ENTRY] [--out PATH] [--target TRIPLE] [--minimal-permissions]
 * [--no-verify] [-- EXTRA_DENO_COMPILE_FLAGS…]`: builds a worker entry point
 * (default `examples/worker.ts`) into one self-contained artefact.
 *
 * 1. `deno compile` into a single binary (default `dist/drover-worker`). It
 *    embeds only the npm packages the entry reaches (`--node-modules-dir=none
 *    --exclude-unused-npm`, not the whole `node_modules/`); pass an npm
 *    package imported only dynamically with `-- --include npm:<pkg>`.
 *    `deno compile` downloads a `denort` runtime for the target; `DENORT_BIN`
 *    (passed through) points it at a local one instead.
 * 2. When that runtime cannot be had (no network), it says so on one line and
 *    falls back to `deno bundle --platform deno`: one JavaScript file
 *    (`<out>.js`) with every dependency, npm ones included, that runs from any
 *    directory with `deno run -A <out>.js`.
 *
 * Permissions: the binary gets `-A`, because task modules decide what they
 * need. The worker runtime alone needs {@link MINIMAL_PERMISSIONS}
 * (`--minimal-permissions` compiles with those instead).
 *
 * Before reporting success the artefact is started once from an empty
 * directory with `DROVER_WORKER_SLOTS=0` and must exit 2 naming that variable:
 * proof that it runs the worker's configuration check (a `DENORT_BIN` that is
 * not a `denort` of this Deno version yields a binary that does not). Skipped
 * for a cross-`--target` build or with `--no-verify` (an entry that does not
 * use `runWorkerProcess`).
 *
 * Exit codes: 0 a binary or a bundle was produced, 1 neither was, 2 usage.
 */
import { parseFlags, throwIfProblems } from "../testing/parse_flags.ts";

/** What `deno compile` needs to run the worker runtime itself: its hub, its env, its files, the host name. */
export const MINIMAL_PERMISSIONS = [
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-sys=hostname",
] as const;

const ROOT = new URL("..", import.meta.url).pathname;
const USAGE = "Usage: deno task compile:worker [ENTRY] [--out PATH] [--target TRIPLE] " +
  "[--minimal-permissions] [--no-verify] [-- EXTRA_DENO_COMPILE_FLAGS…]";
const COMPILE_TIMEOUT_MS = 300_000;

/** Parsed command line of the script. */
export interface CompileArgs {
  entry: string;
  out: string;
  target?: string;
  minimalPermissions: boolean;
  verify: boolean;
  help: boolean;
  /** Flags after `--`, passed to `deno compile` as they are. */
  extra: string[];
}

/**
 * Parses the arguments; relative paths are resolved from `cwd`, the defaults
 * from the repository root. Throws a `TypeError` naming every problem of a
 * bad command line, then the usage.
 */
export function parseCompileArgs(args: readonly string[], cwd: string): CompileArgs {
  const { values, positionals, rest, problems } = parseFlags(args, {
    out: { type: "string", short: "o" },
    target: { type: "string" },
    "minimal-permissions": { type: "boolean" },
    "no-verify": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  for (const extra of positionals.slice(1)) {
    problems.push(`Only one entry point, not "${extra}" as well`);
  }
  throwIfProblems(problems, USAGE);
  const resolve = (path: string) =>
    path.startsWith("/") ? path : `${cwd.replace(/\/$/, "")}/${path}`;
  return {
    entry: positionals[0] === undefined ? `${ROOT}examples/worker.ts` : resolve(positionals[0]),
    out: values.out === undefined ? `${ROOT}dist/drover-worker` : resolve(values.out),
    ...(values.target === undefined ? {} : { target: values.target }),
    minimalPermissions: values["minimal-permissions"],
    verify: !values["no-verify"],
    help: values.help,
    extra: rest,
  };
}

/**
 * Whether `deno compile` failed for want of its `denort` runtime (download
 * refused or impossible), as opposed to a type error or a bad flag.
 */
export function isRuntimeDownloadFailure(stderr: string): boolean {
  return /Setting up base binary|denort|dl\.deno\.land/i.test(stderr);
}

/** The informative line of `deno compile`'s error chain, e.g. `error sending request for url …: dns error: …`. */
export function downloadFailureCause(stderr: string): string | undefined {
  // deno prints "Caused by:" then numbered lines, outermost first; line 1 is the whole story.
  const causes = [...stderr.matchAll(/^\s*\d+: (.+)$/gm)]
    .map((m) => m[1]!.trim());
  return causes.find((c) => /request|download|denort|\d{3}/i.test(c)) ?? causes[0];
}

/** The path of the bundle written when no binary can be built. */
export function bundlePath(out: string): string {
  return out.endsWith(".js") ? out : `${out}.js`;
}

interface Ran {
  code: number;
  stderr: string;
  timedOut: boolean;
}

async function run(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs: number },
): Promise<Ran> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    // Plain text: the messages are matched and quoted.
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
    signal,
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr), timedOut: signal.aborted };
}

/**
 * Starts the artefact in an empty directory outside any project with
 * `DROVER_WORKER_SLOTS=0`; returns `undefined` when it refuses that setting
 * as a worker must, or what went wrong.
 */
async function verifyArtefact(command: string[]): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "drover-compile-verify-" });
  try {
    const out = await new Deno.Command(command[0]!, {
      args: command.slice(1),
      cwd: dir,
      env: { DROVER_WORKER_SLOTS: "0", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    if (out.code === 2 && text.includes("DROVER_WORKER_SLOTS")) return undefined;
    const first = text.trim().split("\n")[0]?.slice(0, 200) ?? "";
    return `it exited ${out.code} instead of 2 naming DROVER_WORKER_SLOTS${
      first ? ` ("${first}")` : ""
    }`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Builds the artefact; returns the exit code. */
export async function compileWorker(
  a: CompileArgs,
  env: Record<string, string | undefined>,
): Promise<number> {
  const permissions = a.minimalPermissions ? [...MINIMAL_PERMISSIONS] : ["-A"];
  const denortBin = env.DENORT_BIN;
  if (denortBin) {
    const stat = await Deno.stat(denortBin).catch(() => undefined);
    if (!stat?.isFile) {
      console.error(
        `DENORT_BIN is "${denortBin}", which is not a file: point it at a denort binary of Deno ${Deno.version.deno}.`,
      );
      return 1;
    }
  }
  await Deno.mkdir(a.out.slice(0, a.out.lastIndexOf("/")) || "/", { recursive: true });

  const compile = await run([
    "compile",
    ...permissions,
    "--node-modules-dir=none",
    "--exclude-unused-npm",
    ...(a.target ? ["--target", a.target] : []),
    "--output",
    a.out,
    ...a.extra,
    a.entry,
  ], { env: denortBin ? { DENORT_BIN: denortBin } : {}, timeoutMs: COMPILE_TIMEOUT_MS });

  if (compile.code === 0 && !compile.timedOut) {
    console.error(compile.stderr.trimEnd());
    const crossTarget = a.target !== undefined && a.target !== Deno.build.target;
    if (a.verify && !crossTarget) {
      const problem = await verifyArtefact([a.out]);
      if (problem) {
        await Deno.remove(a.out).catch(() => {});
        console.error(
          `The binary did not start as a Drover worker (${problem}), so it was removed. ` +
            (denortBin
              ? `Is DENORT_BIN ("${denortBin}") the denort of Deno ${Deno.version.deno} for ${Deno.build.target}? `
              : "") +
            "Use --no-verify for an entry that does not call runWorkerProcess.",
        );
        return 1;
      }
    }
    console.log(
      `${a.verify ? "Worker binary" : "Binary"}: ${a.out}` +
        `${crossTarget ? ` (for ${a.target}, not run here)` : ""}`,
    );
    console.log(`Run it with:   ${hubHint(a)}${a.out}`);
    return 0;
  }

  if (!compile.timedOut && !isRuntimeDownloadFailure(compile.stderr)) {
    console.error(compile.stderr.trimEnd());
    console.error(`deno compile failed (exit ${compile.code}); no binary or bundle was produced.`);
    return 1;
  }
  const cause = compile.timedOut
    ? `deno compile did not finish within ${COMPILE_TIMEOUT_MS / 1000} s`
    : downloadFailureCause(compile.stderr);
  console.error(
    "deno compile needs the denort runtime, which could not be downloaded here; " +
      "set DENORT_BIN to a local denort binary. Falling back to a single-file bundle.",
  );
  if (cause) console.error(`  (${cause})`);

  const bundle = bundlePath(a.out);
  const bundled = await run(
    ["bundle", "--platform", "deno", "--packages", "bundle", "-o", bundle, a.entry],
    { timeoutMs: COMPILE_TIMEOUT_MS },
  );
  if (bundled.code !== 0 || bundled.timedOut) {
    console.error(bundled.stderr.trimEnd());
    console.error(`deno bundle failed (exit ${bundled.code}); no binary or bundle was produced.`);
    return 1;
  }
  if (a.verify) {
    const problem = await verifyArtefact([Deno.execPath(), "run", ...MINIMAL_PERMISSIONS, bundle]);
    if (problem) {
      console.error(
        `The bundle ${bundle} did not start as a Drover worker (${problem}). Use --no-verify for an entry that does not call runWorkerProcess.`,
      );
      return 1;
    }
  }
  const runFlags = a.minimalPermissions ? MINIMAL_PERMISSIONS.join(" ") : "-A";
  console.log(
    `${a.verify ? "Worker bundle" : "Bundle"}: ${bundle} (one file, npm dependencies included, ` +
      `built with Deno ${Deno.version.deno}` +
      `${a.target ? `; not tied to ${a.target}` : ""})`,
  );
  console.log(`Run it with:   ${hubHint(a)}deno run ${runFlags} ${bundle}`);
  return 0;
}

/** For a worker (verified as one), the variable it needs first; nothing for other entries. */
function hubHint(a: CompileArgs): string {
  return a.verify ? "DROVER_HUB_URL=http://hub:8080 " : "";
}

if (import.meta.main) {
  let parsed: CompileArgs;
  try {
    // `deno task` runs in the directory of deno.json; INIT_CWD is where it was typed.
    parsed = parseCompileArgs(Deno.args, Deno.env.get("INIT_CWD") ?? Deno.cwd());
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  Deno.exit(await compileWorker(parsed, Deno.env.toObject()));
}
