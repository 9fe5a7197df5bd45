/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` in a
 * temporary directory, one `postgres` process on a free port of 127.0.0.1
 * (and a Unix socket in that directory), stopped by its own PID and removed
 * when disposed. It uses Debian's `postgresql` package (`.ci/run` installs
 * it); `PG_BIN` points at another directory of server binaries.
 *
 * PostgreSQL refuses to run as root: under root the cluster is made and run
 * as the `postgres` user (the package creates it) through `setpriv`, which
 * executes the server in place, so the PID we hold is the server's.
 *
 * @module
 */
import postgres from "postgres";
import { freePort } from "./free_port.ts";
import { removeTree } from "./remove_tree.ts";

/** Options for {@link startPostgres}. */
export interface PostgresOptions {
  /** Names the temporary directory: `drover-pg-<name>-…`. Default "test". */
  name?: string;
  /** The superuser and database the URL names. Default "drover". */
  user?: string;
  /**
   * `fsync=off` and `synchronous_commit=off`: fast, and what a test that
   * never loses power needs. Default true; a failover test wants the real thing.
   */
  fast?: boolean;
  /** More server settings (`-c name=value`). */
  settings?: Record<string, string>;
  /** A standby's data directory (`pg_basebackup`): no database is created in it. */
  standby?: boolean;
  /**
   * Run in this network namespace (`ip netns exec`, see `netns.ts`), listening
   * on every address in it; `url` still names 127.0.0.1, reachable there only.
   */
  netns?: string;
  /** Lines added to `pg_hba.conf`, e.g. `host all all 10.0.0.0/8 trust`. */
  hba?: string[];
}

/** A running cluster. */
export interface PostgresServer extends AsyncDisposable {
  /** `postgres://drover@127.0.0.1:<port>/drover` */
  readonly url: string;
  readonly port: number;
  /** The server's (postmaster's) PID. */
  readonly pid: number;
  /** The data directory. */
  readonly dataDir: string;
  /** What the server printed (its log goes to standard error). */
  log(): string;
  /** Stops the server (fast shutdown: open sessions are ended) and waits for it to exit. */
  stop(): Promise<void>;
  /** Sends `signal` to the server's PID (`SIGKILL`: a crash); `stop` then waits for it. */
  kill(signal: Deno.Signal): void;
}

/** Where the server binaries are: `PG_BIN`, `pg_config --bindir`, or Debian's newest. */
export async function postgresBinDir(): Promise<string> {
  const fromEnv = Deno.env.get("PG_BIN");
  if (fromEnv) return fromEnv;
  try {
    const out = await new Deno.Command("pg_config", { args: ["--bindir"], stderr: "null" })
      .output();
    const dir = new TextDecoder().decode(out.stdout).trim();
    if (out.success && dir && await exists(`${dir}/postgres`)) return dir;
  } catch {
    // no pg_config on the PATH
  }
  const versions: number[] = [];
  try {
    for await (const e of Deno.readDir("/usr/lib/postgresql")) {
      if (/^\d+$/.test(e.name)) versions.push(Number(e.name));
    }
  } catch {
    // no Debian layout
  }
  const newest = versions.sort((a, b) => b - a)[0];
  if (newest === undefined) {
    throw new Error(
      "PostgreSQL is not installed: apt-get install postgresql (or set PG_BIN to its bin directory)",
    );
  }
  return `/usr/lib/postgresql/${newest}/bin`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The `postgres` user's uid and gid when we are root (PostgreSQL will not run as root). */
export async function runAs(): Promise<{ uid: number; gid: number } | null> {
  if (Deno.uid() !== 0) return null;
  const id = async (flag: string) => {
    const out = await new Deno.Command("id", { args: [flag, "postgres"], stderr: "null" }).output();
    if (!out.success) {
      throw new Error("Running as root, and there is no postgres user to run PostgreSQL as");
    }
    return Number(new TextDecoder().decode(out.stdout).trim());
  };
  return { uid: await id("-u"), gid: await id("-g") };
}

/** `bin/name args…`, as the postgres user when we are root. */
export function command(
  bin: string,
  name: string,
  args: string[],
  as: { uid: number; gid: number } | null,
  stderr: "piped" | "null" = "piped",
  netns?: string,
): Deno.Command {
  const program = `${bin}/${name}`;
  let [cmd, argv] = as
    ? ["setpriv", [`--reuid=${as.uid}`, `--regid=${as.gid}`, "--clear-groups", program, ...args]]
    : [program, args];
  if (netns) [cmd, argv] = ["ip", ["netns", "exec", netns, cmd, ...argv]];
  return new Deno.Command(cmd, {
    args: argv,
    stdin: "null",
    stdout: "null",
    stderr,
    env: { LC_ALL: "C", TZ: "UTC" },
  });
}

/** Makes a new cluster and starts it; resolves once it accepts connections. */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = await postgresBinDir();
  const as = await runAs();
  const user = options.user ?? "drover";
  const dir = await Deno.makeTempDir({ prefix: `drover-pg-${options.name ?? "test"}-` });
  if (as) await Deno.chown(dir, as.uid, as.gid);
  const dataDir = `${dir}/data`;
  try {
    const init = await command(bin, "initdb", [
      "-D",
      dataDir,
      "-U",
      user,
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-sync",
      "--no-instructions",
    ], as).output();
    if (!init.success) {
      throw new Error(`initdb failed: ${new TextDecoder().decode(init.stderr).trim()}`);
    }
  } catch (error) {
    await removeTree(dir);
    throw error;
  }
  return await launch(bin, as, dir, dataDir, user, options);
}

export async function launch(
  bin: string,
  as: { uid: number; gid: number } | null,
  dir: string,
  dataDir: string,
  user: string,
  options: PostgresOptions,
): Promise<PostgresServer> {
  const port = freePort();
  const settings: Record<string, string> = {
    listen_addresses: options.netns ? "*" : "127.0.0.1",
    unix_socket_directories: dir,
    max_connections: "200",
    ...(options.fast ?? true ? { fsync: "off", synchronous_commit: "off" } : {}),
    ...options.settings,
  };
  const args = ["-D", dataDir, "-p", String(port)];
  for (const [k, v] of Object.entries(settings)) args.push("-c", `${k}=${v}`);
  if (options.hba) {
    await Deno.writeTextFile(`${dataDir}/pg_hba.conf`, `\n${options.hba.join("\n")}\n`, {
      append: true,
    });
  }
  const child = command(bin, "postgres", args, as, "piped", options.netns).spawn();
  let log = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) log += decoder.decode(chunk, { stream: true });
  })();
  let stopping: Promise<void> | null = null;
  const stop = () =>
    stopping ??= (async () => {
      try {
        child.kill("SIGINT");
      } catch {
        // already exited
      }
      await child.status;
      await reading;
    })();
  const server: PostgresServer = {
    url: `postgres://${user}@127.0.0.1:${port}/${user}`,
    port,
    pid: child.pid,
    dataDir,
    log: () => log,
    stop,
    kill: (signal) => child.kill(signal),
    [Symbol.asyncDispose]: async () => {
      await stop();
      await removeTree(dir);
    },
  };
  try {
    await waitUntilReady(bin, as, port, user, child, () => log, options.netns);
    if (options.standby) return server;
    const where = ["-h", "127.0.0.1", "-p", String(port), "-U", user];
    const created = await command(bin, "createdb", [...where, user], as, "piped", options.netns)
      .output();
    if (!created.success) {
      throw new Error(`createdb failed: ${new TextDecoder().decode(created.stderr).trim()}`);
    }
  } catch (error) {
    await server[Symbol.asyncDispose]();
    throw error;
  }
  return server;
}

/** Polls `pg_isready` until the server accepts connections (30 s at most). */
async function waitUntilReady(
  bin: string,
  as: { uid: number; gid: number } | null,
  port: number,
  user: string,
  child: Deno.ChildProcess,
  log: () => string,
  netns?: string,
): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`postgres exited at start:\n${log()}`);
    const where = ["-q", "-h", "127.0.0.1", "-p", String(port), "-U", user];
    const ready = await command(bin, "pg_isready", where, as, "null", netns).output();
    if (ready.success) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`postgres did not accept connections within 30 s:\n${log()}`);
}

/**
 * A new, empty database on the server at `serverUrl` (a random name unless
 * `name` is given); resolves to its URL. Tests on PostgreSQL (each hub test,
 * each cluster under `deno task test:postgres`) and each bench run get one.
 */
export async function createTestDatabase(serverUrl: string, name?: string): Promise<string> {
  const dbName = name ?? `drover_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/**
 * The database an end-to-end test gives its hubs: the file `name`.db in
 * `dir`, or, when the suite runs on PostgreSQL (`deno task test:postgres`
 * sets `DROVER_TEST_POSTGRES`), a new database on that server.
 */
export async function testDbUrl(dir: string, name = "hub"): Promise<string> {
  const server = Deno.env.get("DROVER_TEST_POSTGRES");
  return server ? await createTestDatabase(server) : `file:${dir}/${name}.db`;
}
