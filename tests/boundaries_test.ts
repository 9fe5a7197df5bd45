/**
 * Architecture test: reads the module graph of every module in the
 * repository (`deno info --json`) and fails on an import that crosses a
 * boundary of the design; the rules are in `boundary_rules.ts`.
 */
import assert from "node:assert/strict";
import {
  type DenoInfo,
  describeTarget,
  type Edge,
  edgesOf,
  npmName,
  ROOT,
  type Target,
  top,
  violations,
} from "./boundary_rules.ts";

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
