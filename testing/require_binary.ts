/**
 * The path of an installed program tests depend on (promtool, prometheus),
 * or an error that says how to install it: such tests fail, never skip.
 *
 * @module
 */

/**
 * Where `name` is on the PATH (or `/usr/bin`, `/usr/sbin`: Debian puts
 * `nats-server` there); throws naming `install` when it is nowhere.
 */
export function requireBinary(name: string, install: string): string {
  const dirs = [
    ...(Deno.env.get("PATH") ?? "").split(":").filter(Boolean),
    "/usr/bin",
    "/usr/sbin",
  ];
  for (const dir of dirs) {
    const path = `${dir}/${name}`;
    try {
      const info = Deno.statSync(path);
      if (info.isFile && (info.mode === null || (info.mode & 0o111) !== 0)) return path;
    } catch {
      // not there
    }
  }
  throw new Error(`${name} is not installed, and this test needs it: ${install}`);
}

/** How to get Debian's Prometheus (`prometheus` and `promtool`); `.ci/run` does it. */
export const INSTALL_PROMETHEUS = "sudo apt-get install prometheus (Debian's package has " +
  "prometheus and promtool; .ci/run installs it when promtool is missing)";

/** How to get Debian's NATS server; `.ci/run` does it. */
export const INSTALL_NATS = "sudo apt-get install nats-server (.ci/run installs it when " +
  "nats-server is missing)";
