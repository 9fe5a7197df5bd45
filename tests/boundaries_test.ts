/**
 * Architecture test: reads the module graph of every module in the
 * repository (`deno info --json`) and fails on an import that crosses a
 * boundary of the design (DESIGN.md, STYLE.md):
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
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The parts of `deno info --json` this test reads. */
interface DenoInfo {
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
type Target =
  | { kind: "file"; path: string } // repo-relative, e.g. "hub/app.ts"
  | { kind: "npm"; name: string }
  | { kind: "node"; name: string }
  | { kind: "other"; specifier: string }; // outside the repo, jsr:, https:, unresolved

/** One import: `from` is a repo-relative path, `specifier` as written in the source. */
interface Edge {
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

function npmName(specifier: string): string {
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

function describeTarget(to: Target): string {
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
function edgesOf(info: DenoInfo): Edge[] {
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
const top = (path: string) => path.split("/")[0]!;
const isTest = (path: string) => /_test\.ts$/.test(path);

/** The rules, as messages naming the offending edge; empty when the graph is clean. */
function violations(edges: readonly Edge[]): string[] {
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

/** Every TypeScript module of the repository's own folders, repo-relative. */
async function repositoryModules(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(new URL(`${dir}/`, ROOT))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) found.push(path);
    }
  };
  const dirs = [
    "hub",
    "worker",
    "shared",
    "cli",
    "examples",
    "targets",
    "scripts",
    "bench",
    "testing",
    "tests",
  ];
  for (const dir of dirs) await walk(dir);
  return found.sort();
}

/** The import edges of `modules` (repo-relative), read by one `deno info`. */
async function graphOf(modules: readonly string[]): Promise<Edge[]> {
  const dir = await Deno.makeTempDir({ prefix: "drover-boundaries-" });
  try {
    const entry = `${dir}/all.ts`;
    await Deno.writeTextFile(
      entry,
      modules.map((m) => `import ${JSON.stringify(new URL(m, ROOT).href)};\n`).join(""),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", new URL("deno.json", ROOT).pathname, entry],
      cwd: ROOT.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    assert.equal(out.code, 0, `deno info failed:\n${decoder.decode(out.stderr)}`);
    const seen = new Set<string>();
    return edgesOf(JSON.parse(decoder.decode(out.stdout)) as DenoInfo).filter((e) => {
      const key = `${e.from}\n${e.specifier}\n${describeTarget(e.to)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

let repository: Promise<Edge[]> | undefined;
/** The whole repository's edges, read once for every test in this file. */
function repositoryEdges(): Promise<Edge[]> {
  repository ??= repositoryModules().then(graphOf);
  return repository;
}

const file = (path: string): Target => ({ kind: "file", path });
const npm = (name: string): Target => ({ kind: "npm", name });
const node = (name: string): Target => ({ kind: "node", name });
const edge = (from: string, to: Target): Edge => ({ from, specifier: describeTarget(to), to });

Deno.test("the boundary check reports each kind of crossing in a made-up graph", () => {
  const bad: Edge[] = [
    edge("worker/session.ts", file("hub/app.ts")),
    edge("worker/x.ts", file("cli/main.ts")),
    edge("worker/x.ts", npm("hono")),
    edge("worker/x.ts", npm("@libsql/client")),
    edge("shared/task.ts", file("worker/mod.ts")),
    edge("shared/task.ts", npm("drizzle-orm")),
    edge("shared/task.ts", node("fs")),
    edge("shared/task.ts", node("assert")),
    edge("shared/task.ts", { kind: "other", specifier: "https://x/y.ts" }),
    edge("hub/app.ts", file("worker/mod.ts")),
    edge("hub/app.ts", file("cli/main.ts")),
    edge("hub/app.ts", file("examples/tasks.ts")),
    edge("hub/app.ts", file("testing/poll_until.ts")),
    edge("hub/db/pg/migrate.ts", file("testing/postgres.ts")),
    edge("hub/db/pg/migrate_test.ts", file("testing/poll_until.ts")),
    edge("tests/x_test.ts", file("hub/db/client.ts")),
    edge("tests/x_test.ts", file("hub/ops/claim_tasks.ts")),
    edge("scripts/chaos/verify.ts", file("hub/core/hub_core.ts")),
    edge("bench/hub.ts", file("hub/server.ts")),
    edge("cli/commands/launch.ts", file("hub/db/check_invariants.ts")),
    edge("scripts/start.ts", file("cli/main.ts")),
    edge("bench/main.ts", file("examples/tasks.ts")),
    edge("examples/tasks.ts", file("shared/task.ts")),
    edge("examples/tasks.ts", file("worker/session.ts")),
    edge("worker/mod.ts", file("testing/poll_until.ts")),
    edge("testing/start_cluster.ts", file("tests/fixtures/tasks.ts")),
    edge("worker/attempt.ts", file("targets/s3_target.ts")),
    edge("hub/app.ts", file("targets/s3_target.ts")),
    edge("targets/s3_target.ts", file("worker/mod.ts")),
    edge("targets/s3_target.ts", file("testing/s3.ts")),
  ];
  const found = violations(bad);
  assert.equal(found.length, bad.length, found.join("\n"));
  assert.ok(found[0]!.startsWith('worker/session.ts → hub/app.ts (import "hub/app.ts")'));
  const good: Edge[] = [
    edge("examples/tasks.ts", file("targets/s3_target.ts")),
    edge("targets/s3_target.ts", npm("@aws-sdk/client-s3")),
    edge("targets/s3_target.ts", file("shared/targets/target.ts")),
    edge("targets/s3_target_test.ts", file("testing/s3.ts")),
    edge("worker/x.ts", npm("zod")),
    edge("worker/x.ts", file("shared/task.ts")),
    edge("worker/x.ts", node("fs")),
    edge("shared/task_id.ts", node("crypto")),
    edge("shared/task_test.ts", node("assert/strict")),
    edge("shared/task.ts", npm("zod")),
    edge("hub/app.ts", npm("hono")),
    edge("hub/app.ts", file("shared/protocol.ts")),
    edge("cli/commands/launch.ts", file("hub/mod.ts")),
    edge("cli/commands/launch.ts", file("worker/main.ts")),
    edge("scripts/start.ts", file("hub/mod.ts")),
    edge("scripts/chaos/verify.ts", file("hub/db/check_invariants.ts")),
    edge("tests/x_test.ts", file("hub/mod.ts")),
    edge("scripts/demo.ts", file("examples/regional.ts")),
    edge("tests/examples_test.ts", file("examples/tasks.ts")),
    edge("examples/worker.ts", file("worker/process.ts")),
    edge("examples/tasks.ts", file("shared/mod.ts")),
    edge("examples/tasks.ts", file("examples/events.ts")),
    edge("bench/main.ts", file("testing/start_cluster.ts")),
    edge("tests/e2e_test.ts", file("tests/fixtures/tasks.ts")),
    edge("hub/db/pg/migrate_test.ts", file("testing/postgres.ts")),
  ];
  assert.deepEqual(violations(good), []);
});

Deno.test("npm package names are read from every specifier form deno info prints", () => {
  assert.equal(npmName("npm:zod@^4.1.0"), "zod");
  assert.equal(npmName("npm:/zod@4.6.7"), "zod");
  assert.equal(npmName("npm:/drizzle-orm@^0.45.0/libsql"), "drizzle-orm");
  assert.equal(npmName("npm:@libsql/client@^0.18.0"), "@libsql/client");
  assert.equal(npmName("npm:/@libsql/client@0.18.0/web"), "@libsql/client");
  assert.equal(npmName("npm:hono"), "hono");
});

Deno.test("the whole repository's graph is read (every folder, hono, zod, node: built-ins)", async () => {
  const edges = await repositoryEdges();
  const froms = new Set(edges.map((e) => top(e.from)));
  for (const dir of ["hub", "worker", "shared", "cli", "examples", "scripts", "bench", "testing"]) {
    assert.ok(froms.has(dir), `no import read from ${dir}/`);
  }
  assert.ok(
    edges.some((e) => top(e.from) === "hub" && e.to.kind === "npm" && e.to.name === "hono"),
  );
  assert.ok(edges.some((e) => e.from === "shared/task_id.ts" && e.to.kind === "node"));
  assert.ok(edges.some((e) => top(e.from) === "tests" && e.to.kind === "file"));
});

Deno.test("no import in the repository crosses a boundary", async () => {
  const found = violations(await repositoryEdges());
  assert.deepEqual(found, [], `imports that cross a boundary:\n${found.join("\n")}`);
});

Deno.test("a violation planted in a real module is found by the same reading", async () => {
  const planted = `hub/planted_violation_${crypto.randomUUID().slice(0, 8)}.ts`;
  await Deno.writeTextFile(
    new URL(planted, ROOT),
    'export { startWorker } from "../worker/mod.ts";\n',
  );
  try {
    const found = violations(await graphOf([planted]));
    assert.deepEqual(found, [
      `${planted} → worker/mod.ts (import "../worker/mod.ts"): hub/ imports only hub/ and shared/`,
    ]);
  } finally {
    await Deno.remove(new URL(planted, ROOT));
  }
});
