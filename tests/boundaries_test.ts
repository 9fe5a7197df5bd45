/**
 * Architecture test: walks the module graphs (`deno info --json`) of the
 * hub, the worker and shared/, and fails on an import that crosses a
 * boundary (`hub → shared ← worker`; see STYLE.md).
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The parts of `deno info --json` this test reads. */
interface DenoInfo {
  roots: string[];
  modules: Array<{
    kind: string;
    specifier: string;
    dependencies?: Array<{
      specifier: string;
      code?: { specifier?: string; error?: string };
      type?: { specifier?: string; error?: string };
      isDynamic?: boolean;
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

const under = (path: string, ...dirs: string[]) => dirs.some((d) => path.startsWith(`${d}/`));

/** The rules, as messages naming the offending edge; empty when the graph is clean. */
function violations(edges: readonly Edge[]): string[] {
  const found: string[] = [];
  const report = (e: Edge, rule: string) =>
    found.push(`${e.from} → ${describeTarget(e.to)} (import "${e.specifier}"): ${rule}`);
  for (const e of edges) {
    if (under(e.from, "worker")) {
      if (e.to.kind === "file" && under(e.to.path, "hub", "cli")) {
        report(e, "worker/ must not import hub/ or cli/");
      }
      if (e.to.kind === "npm" && e.to.name !== "zod") {
        report(e, "worker/ may use no npm package but zod");
      }
    }
    if (under(e.from, "shared")) {
      const allowed = (e.to.kind === "file" && under(e.to.path, "shared")) ||
        (e.to.kind === "npm" && e.to.name === "zod") || e.to.kind === "node";
      if (!allowed) report(e, "shared/ imports only shared/, npm zod and node: built-ins");
    }
    if (
      e.to.kind === "file" && under(e.to.path, "tests", "examples") &&
      !under(e.from, "tests", "examples", "scripts")
    ) {
      report(e, "only tests/, examples/ and scripts/ may import from tests/ or examples/");
    }
  }
  return found;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(new URL(path, ROOT))).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** shared/mod.ts, or every non-test module under shared/ when there is none. */
async function sharedEntries(): Promise<string[]> {
  if (await exists("shared/mod.ts")) return ["shared/mod.ts"];
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (/\.(ts|tsx|js|mjs)$/.test(entry.name) && !/_test\.\w+$/.test(entry.name)) {
        found.push(path);
      }
    }
  };
  await walk("shared");
  return found.sort();
}

async function entries(): Promise<string[]> {
  const fixed = ["worker/mod.ts", "worker/process.ts", "hub/main.ts"];
  const optional = ["worker/main.ts", "cli/main.ts"];
  const present = [];
  for (const path of optional) if (await exists(path)) present.push(path);
  return [...fixed, ...present, ...await sharedEntries()];
}

async function denoInfo(entry: string): Promise<DenoInfo> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assert.equal(out.code, 0, `deno info ${entry} failed:\n${decoder.decode(out.stderr)}`);
  return JSON.parse(decoder.decode(out.stdout)) as DenoInfo;
}

let graph: Promise<Edge[]> | undefined;

/** The edges of every entry's graph, read once for all tests in this file. */
function repositoryEdges(): Promise<Edge[]> {
  graph ??= (async () => {
    const infos = await Promise.all((await entries()).map(denoInfo));
    const seen = new Set<string>();
    const edges: Edge[] = [];
    for (const e of infos.flatMap(edgesOf)) {
      const key = `${e.from}\n${e.specifier}\n${describeTarget(e.to)}`;
      if (!seen.has(key)) {
        seen.add(key);
        edges.push(e);
      }
    }
    return edges;
  })();
  return graph;
}

const file = (path: string): Target => ({ kind: "file", path });
const npm = (name: string): Target => ({ kind: "npm", name });

Deno.test("the boundary check reports each kind of crossing in a made-up graph", () => {
  const bad: Edge[] = [
    { from: "worker/session.ts", specifier: "../hub/app.ts", to: file("hub/app.ts") },
    { from: "worker/x.ts", specifier: "../cli/main.ts", to: file("cli/main.ts") },
    { from: "worker/x.ts", specifier: "hono", to: npm("hono") },
    { from: "worker/x.ts", specifier: "@libsql/client", to: npm("@libsql/client") },
    { from: "shared/task.ts", specifier: "../worker/mod.ts", to: file("worker/mod.ts") },
    { from: "shared/task.ts", specifier: "drizzle-orm", to: npm("drizzle-orm") },
    {
      from: "shared/task.ts",
      specifier: "https://x/y.ts",
      to: { kind: "other", specifier: "https://x/y.ts" },
    },
    { from: "hub/app.ts", specifier: "../examples/tasks.ts", to: file("examples/tasks.ts") },
    { from: "worker/mod.ts", specifier: "../tests/helpers.ts", to: file("tests/helpers.ts") },
  ];
  const found = violations(bad);
  assert.equal(found.length, bad.length, found.join("\n"));
  assert.ok(found[0]!.startsWith('worker/session.ts → hub/app.ts (import "../hub/app.ts")'));
  const good: Edge[] = [
    { from: "worker/x.ts", specifier: "zod", to: npm("zod") },
    { from: "worker/x.ts", specifier: "../shared/task.ts", to: file("shared/task.ts") },
    { from: "worker/x.ts", specifier: "node:fs", to: { kind: "node", name: "fs" } },
    { from: "shared/task_id.ts", specifier: "node:crypto", to: { kind: "node", name: "crypto" } },
    { from: "shared/task.ts", specifier: "zod", to: npm("zod") },
    { from: "hub/app.ts", specifier: "hono", to: npm("hono") },
    {
      from: "scripts/start.ts",
      specifier: "../examples/worker.ts",
      to: file("examples/worker.ts"),
    },
    { from: "examples/worker.ts", specifier: "./tasks.ts", to: file("examples/tasks.ts") },
    { from: "tests/e2e_test.ts", specifier: "./helpers.ts", to: file("tests/helpers.ts") },
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

Deno.test("the module graphs are read in full (hub/main.ts reaches hono and shared/)", async () => {
  const edges = await repositoryEdges();
  assert.ok(
    edges.some((e) => e.from.startsWith("hub/") && e.to.kind === "npm" && e.to.name === "hono"),
  );
  assert.ok(edges.some((e) => e.from === "worker/session.ts" && e.to.kind === "file"));
  assert.ok(edges.some((e) => e.from === "shared/task_id.ts" && e.to.kind === "node"));
  assert.ok(edges.some((e) => e.from.startsWith("shared/") && e.to.kind === "npm"));
});

Deno.test("worker/ imports nothing from hub/ or cli/ and no npm package but zod", async () => {
  const found = violations((await repositoryEdges()).filter((e) => under(e.from, "worker")));
  assert.deepEqual(found, [], `worker/ crosses its boundary:\n${found.join("\n")}`);
});

Deno.test("shared/ imports only shared/, npm zod and node: built-ins", async () => {
  const found = violations((await repositoryEdges()).filter((e) => under(e.from, "shared")));
  assert.deepEqual(found, [], `shared/ crosses its boundary:\n${found.join("\n")}`);
});

Deno.test("only tests/, examples/ and scripts/ import from tests/ or examples/", async () => {
  const found = violations(
    (await repositoryEdges()).filter((e) =>
      e.to.kind === "file" && under(e.to.path, "tests", "examples")
    ),
  );
  assert.deepEqual(found, [], `imports from tests/ or examples/:\n${found.join("\n")}`);
});
