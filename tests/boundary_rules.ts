/**
 * The import rules that `boundaries_test.ts` holds the repository's module
 * graph to (the boundaries of DESIGN.md and STYLE.md), and the reading of
 * `deno info --json` into import edges. The rules:
 *
 * - `hub → shared ← worker`; nothing imports `cli/`, which sits above them.
 * - `shared/` imports only `shared/`, zod, and the `node:` built-ins listed here.
 * - `worker/` uses no npm package but zod (no hono, drizzle or libSQL).
 * - `targets/` (targets for other stores: S3) imports only itself, `shared/`
 *   and npm packages, and is imported by task code (`examples/`), tests,
 *   bench and scripts: never by the worker runtime or the hub.
 * - Outside `hub/`, the hub is reached only through its public entry
 *   (`hub/mod.ts`), and by tests, bench and scripts also through the
 *   invariant checker (`hub/db/check_invariants.ts`): never its database
 *   layer, operations or service layer.
 * - `examples/` is imported by tests and the demo only, and imports only
 *   the author's door (`shared/mod.ts`), the worker runtime's
 *   (`worker/mod.ts`, `worker/process.ts`), zod and itself.
 * - `testing/` is imported only by tests, bench and scripts (and the throwaway
 *   servers, `testing/postgres.ts` and `testing/nats.ts`, by the hub's own
 *   tests, PostgreSQL by their database helper `hub/db/test_database.ts` too);
 *   `tests/` only by tests.
 */
export const ROOT = new URL("../", import.meta.url);

/** The parts of `deno info --json` this test reads. */
export interface DenoInfo {
  modules: Array<{
    specifier: string;
    dependencies?: Array<{
      specifier: string;
      code?: { specifier?: string };
      type?: { specifier?: string };
    }>;
  }>;
}

/** Where an import leads. */
export type Target =
  | { kind: "file"; path: string } // repo-relative, e.g. "hub/app.ts"
  | { kind: "npm"; name: string }
  | { kind: "node"; name: string }
  | { kind: "other"; specifier: string }; // outside the repo, jsr:, https:, unresolved

/** One import: `from` is a repo-relative path, `specifier` as written in the source. */
export interface Edge {
  from: string;
  specifier: string;
  to: Target;
}

/** `node:` built-ins shared/ may use: hashing for task ids; tests also assert. */
const SHARED_NODE = ["crypto"];
const SHARED_TEST_NODE = [...SHARED_NODE, "assert", "assert/strict"];
/** The hub's public entry, and what tests, bench and scripts may also use. */
const HUB_ENTRY = "hub/mod.ts";
const INVARIANT_CHECKER = "hub/db/check_invariants.ts";
/** A real PostgreSQL server: what the hub's database tests may start besides `:memory:`. */
const PG_SERVER = "testing/postgres.ts";
/** A real NATS server: what the hub's stream trigger tests start. */
const NATS_SERVER = "testing/nats.ts";
/** The hub's tests' database helper, which makes their PostgreSQL databases there. */
const HUB_TEST_DATABASE = "hub/db/test_database.ts";
/** Who may import examples/ besides tests/: the demo. */
const EXAMPLE_USERS = ["scripts/demo.ts", "scripts/demo_worker.ts"];
/** What examples/ may import besides itself, zod, node: built-ins and targets/. */
const EXAMPLE_DOORS = ["shared/mod.ts", "worker/mod.ts", "worker/process.ts"];
/** A throwaway S3-protocol server: what the targets' own tests start (with PostgreSQL). */
const S3_SERVER = "testing/s3.ts";

export function npmName(specifier: string): string {
  const rest = specifier.replace(/^npm:\/?/, "");
  const parts = rest.split("/");
  const first = parts[0]!;
  if (first.startsWith("@")) {
    return `${first}/${parts[1]!.replace(/@.*$/, "")}`;
  }
  return first.replace(/@.*$/, "");
}

function classify(resolved: string): Target {
  if (resolved.startsWith("npm:")) return { kind: "npm", name: npmName(resolved) };
  if (resolved.startsWith("node:")) return { kind: "node", name: resolved.slice(5) };
  if (resolved.startsWith(ROOT.href)) {
    return { kind: "file", path: decodeURIComponent(resolved.slice(ROOT.href.length)) };
  }
  return { kind: "other", specifier: resolved };
}

export function describeTarget(to: Target): string {
  switch (to.kind) {
    case "file":
      return to.path;
    case "npm":
      return `npm:${to.name}`;
    case "node":
      return `node:${to.name}`;
    case "other":
      return to.specifier;
  }
}

/** Every import (static, dynamic and type-only) of the repository's own modules. */
export function edgesOf(info: DenoInfo): Edge[] {
  const edges: Edge[] = [];
  for (const module of info.modules) {
    if (!module.specifier.startsWith(ROOT.href)) continue;
    const from = decodeURIComponent(module.specifier.slice(ROOT.href.length));
    for (const dep of module.dependencies ?? []) {
      const resolved = new Set<string>();
      for (const side of [dep.code, dep.type]) {
        if (side) resolved.add(side.specifier ?? dep.specifier);
      }
      for (const r of resolved) edges.push({ from, specifier: dep.specifier, to: classify(r) });
    }
  }
  return edges;
}

/** The top folder of a repo-relative path (`hub`, `tests`, …). */
export const top = (path: string) => path.split("/")[0]!;
const isTest = (path: string) => /_test\.ts$/.test(path);

/** The rules, as messages naming the offending edge; empty when the graph is clean. */
export function violations(edges: readonly Edge[]): string[] {
  const found: string[] = [];
  for (const e of edges) {
    const rule = brokenRule(e);
    if (rule) found.push(`${e.from} → ${describeTarget(e.to)} (import "${e.specifier}"): ${rule}`);
  }
  return found;
}

/** The rule `e` breaks, or null. */
function brokenRule(e: Edge): string | null {
  const from = top(e.from);
  const to = e.to.kind === "file" ? top(e.to.path) : null;
  const path = e.to.kind === "file" ? e.to.path : "";
  if (from === "shared") {
    const node = isTest(e.from) ? SHARED_TEST_NODE : SHARED_NODE;
    const ok = to === "shared" || (e.to.kind === "npm" && e.to.name === "zod") ||
      (e.to.kind === "node" && node.includes(e.to.name));
    return ok ? null : `shared/ imports only shared/, zod and node:${node.join(", node:")}`;
  }
  if (from === "worker" && e.to.kind === "npm" && e.to.name !== "zod") {
    return "worker/ uses no npm package but zod";
  }
  if (e.to.kind !== "file") return null;
  // vendor/ holds patched npm packages (vendor/postgres): the rules of npm packages.
  if (to === "vendor") return from === "worker" ? "worker/ uses no npm package but zod" : null;
  if (to === "cli" && from !== "cli") return "nothing imports cli/";
  const pgServerForTest =
    ((isTest(e.from) || e.from === HUB_TEST_DATABASE) && path === PG_SERVER) ||
    (isTest(e.from) && path === NATS_SERVER);
  if (from === "hub" && to !== "hub" && to !== "shared" && !pgServerForTest) {
    return "hub/ imports only hub/ and shared/";
  }
  if (from === "worker" && to !== "worker" && to !== "shared") {
    return "worker/ imports only worker/ and shared/";
  }
  if (to === "hub" && from !== "hub") {
    const allowed = ["tests", "bench", "scripts", "testing"].includes(from)
      ? [HUB_ENTRY, INVARIANT_CHECKER]
      : [HUB_ENTRY];
    if (!allowed.includes(path)) {
      return `outside hub/, the hub is reached through ${allowed.join(" or ")}`;
    }
  }
  if (
    to === "examples" && from !== "examples" && from !== "tests" &&
    !EXAMPLE_USERS.includes(e.from)
  ) {
    return "examples/ is imported by tests and the demo only";
  }
  if (
    from === "targets" && !isTest(e.from) && to !== null &&
    !["targets", "shared", "vendor"].includes(to)
  ) {
    return "targets/ imports only targets/, shared/ and npm packages";
  }
  if (to === "targets" && !["targets", "examples", "tests", "bench", "scripts"].includes(from)) {
    return "targets/ is imported by task code (examples/), tests, bench and scripts only";
  }
  if (
    from === "examples" && to !== "examples" && to !== "targets" && !EXAMPLE_DOORS.includes(path)
  ) {
    return `examples/ import only ${EXAMPLE_DOORS.join(", ")} (the doors users have)`;
  }
  if (
    to === "testing" && !["tests", "bench", "scripts", "testing"].includes(from) &&
    !(from === "hub" && pgServerForTest) &&
    !(from === "targets" && isTest(e.from) && (path === S3_SERVER || path === PG_SERVER))
  ) {
    return "testing/ is imported only by tests, bench and scripts";
  }
  if (to === "tests" && from !== "tests") return "nothing outside tests/ imports tests/";
  return null;
}
