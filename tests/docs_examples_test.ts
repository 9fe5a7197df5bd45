/**
 * Keeps the shell examples of README.md and docs/tasks.md honest. Every
 * command line of their ```sh/```bash/```shell blocks (and the commands of
 * ```text blocks) is checked without running it: the `deno task` exists,
 * `drover` accepts the command line, the hub serves the `curl`'s method and
 * path and gets a token, files and `DROVER_*` variables exist
 * (`fixtures/check_doc_command.ts`). Then, against a local hub with the
 * example worker and a worker running the guide's own examples, every
 * command that can run here runs, in document order, as a reader would type
 * it (`fixtures/run_doc_commands.ts` says what is rewritten and what is
 * not run: a hub, the test suite, benchmarks, compiling).
 */
import assert from "node:assert/strict";
import { spawnHub } from "../testing/spawn_hub.ts";
import { startCluster } from "../testing/start_cluster.ts";
import { checkCommand } from "./fixtures/check_doc_command.ts";
import { extractCommands, splitLine } from "./fixtures/doc_commands.ts";
import { documentedVariables, loadReferences } from "./fixtures/doc_references.ts";
import { spawnGuideWorker, writeGuideFamilies } from "./fixtures/guide_worker.ts";
import {
  extractBlocks,
  isCheckedTs,
  makeScratchDir,
  namedFile,
  ROOT,
  writeExampleModules,
} from "./fixtures/markdown_blocks.ts";
import { DocSession, type Outcome, planOf } from "./fixtures/run_doc_commands.ts";

const DOCS = ["README.md", "docs/tasks.md"];
const GUIDE = "docs/tasks.md";

async function docCommands() {
  const commands = [];
  for (const file of DOCS) {
    commands.push(...extractCommands(await Deno.readTextFile(new URL(file, ROOT)), file));
  }
  return commands;
}

/** The files the guide's named blocks stand for, e.g. `pipelines/daily.ts`. */
function guideFiles(guide: string): string[] {
  return extractBlocks(guide).filter(isCheckedTs).map(namedFile)
    .filter((n) => n !== undefined).map((n) => `pipelines/${n}`);
}

Deno.test("extractCommands() joins continued lines, drops comments and prompts, and takes only commands from text blocks", () => {
  const md = [
    "```sh", //                                   1
    "# a comment line", //                        2
    "deno task drover submit X \\", //            3
    "  --wait   # follow it", //                  4
    "$ curl -s http://h/api/runs", //             5
    "```", //                                     6
    "```text", //                                 7
    "===== Drover execution summary =====", //    8
    "$ deno task drover runs", //                 9
    "```", //                                    10
    "```ts", //                                  11
    "deno task never", //                        12
    "```", //                                    13
  ].join("\n");
  assert.deepEqual(extractCommands(md, "X.md"), [
    { file: "X.md", line: 3, text: "deno task drover submit X --wait" },
    { file: "X.md", line: 5, text: "curl -s http://h/api/runs" },
    { file: "X.md", line: 9, text: "deno task drover runs" },
  ]);
});

Deno.test("splitLine() reads words as a shell does: quotes, $(…), placeholders, separators", () => {
  const { commands, commentAt } = splitLine(
    `export T=$(cat .drover/admin-token) && curl -H "authorization: Bearer $T" ` +
      `-d '{"a":1}' http://h/api/runs/<runId>/cancel > out.json # done`,
  );
  assert.deepEqual(commands.map((c) => c.map((w) => w.text)), [
    ["export", "T=$(cat .drover/admin-token)"],
    ["curl", "-H", "authorization: Bearer $T", "-d", '{"a":1}', "http://h/api/runs/<runId>/cancel"],
  ]);
  assert.deepEqual(commands[0]![1]!.subs, ["cat .drover/admin-token"]);
  assert.ok(commentAt > 0);
});

Deno.test("planOf() runs what a local hub serves, starts workers in the background, and only checks the rest", () => {
  const plan = (text: string) => planOf(text).kind;
  assert.equal(plan("npx -y deno@2.9.6 task drover submit A --wait"), "run");
  assert.equal(plan("export DROVER_TOKEN=$(cat .drover/admin-token)"), "run");
  assert.equal(plan("curl -s http://127.0.0.1:8080/api/runs/<runId>"), "run");
  assert.equal(
    plan("DROVER_TASK_MODULES=./pipelines/daily.ts deno task drover worker"),
    "background",
  );
  assert.equal(plan("DROVER_TASK_MODULES=./x.ts deno run -A worker/main.ts"), "background");
  for (
    const text of [
      "npx -y deno@2.9.6 task start",
      "deno task test",
      "DROVER_RESOURCES=gpu=4 deno task hub",
      "deno task drover hub",
      "deno task db:generate --name <what>",
      "deno task bench:ui",
      ".ci/run",
    ]
  ) assert.equal(plan(text), "static", text);
});

Deno.test("documentedVariables() reads the README's Configuration tables and the CLI's variables", async () => {
  const variables = documentedVariables(await Deno.readTextFile(new URL("README.md", ROOT)));
  for (
    const name of ["DROVER_PORT", "DROVER_WORKER_TOKEN", "DROVER_TASK_MODULES", "DROVER_TOKEN"]
  ) {
    assert.ok(variables.has(name), name);
  }
  assert.ok(!variables.has("DROVER_NOPE"));
});

Deno.test("no task family of docs/tasks.md is one that examples/ defines", async () => {
  const familiesIn = (code: string) => [...code.matchAll(/\bfamily:\s*"(\w+)"/g)].map((m) => m[1]!);
  const examples = new Map<string, string>();
  for await (const entry of Deno.readDir(new URL("examples/", ROOT))) {
    if (!entry.name.endsWith(".ts")) continue;
    const code = await Deno.readTextFile(new URL(`examples/${entry.name}`, ROOT));
    for (const family of familiesIn(code)) examples.set(family, `examples/${entry.name}`);
  }
  assert.ok(examples.has("ExtractRaw"), "the examples' families are read");
  const guide = await Deno.readTextFile(new URL(GUIDE, ROOT));
  const clashes = extractBlocks(guide).filter(isCheckedTs).flatMap((block) =>
    familiesIn(block.code).filter((f) => examples.has(f))
      .map((f) => `${GUIDE}:${block.line}: ${f} is defined in ${examples.get(f)}`)
  );
  assert.deepEqual(clashes, [], "a reader's worker would share these with deno task start's");
});

Deno.test("the checker reports a planted unknown flag, route, task, variable and file", async () => {
  await using hub = await spawnHub({ dbUrl: ":memory:" });
  const refs = await loadReferences(hub.url, ["pipelines/daily.ts"]);
  const planted = [
    "```sh",
    "deno task drover submit DailyExtract --param runDate=2026-11-23 --colour",
    'curl -s -H "authorization: Bearer $DROVER_TOKEN" http://127.0.0.1:8080/api/runz',
    "deno task deploy-everything",
    "DROVER_WORKER_SLOTZ=2 DROVER_TASK_MODULES=./pipelines/nightly.ts deno task drover worker",
    "curl -s -X POST http://127.0.0.1:8080/api/runs -d '{}'",
    "deno task drover bake --wait",
    "```",
  ].join("\n");
  const commands = extractCommands(planted, "planted.md");
  const problems = await Promise.all(commands.map((c) => checkCommand(c.text, refs)));
  const expect = [
    /Unknown option "--colour"/,
    /the hub serves no GET \/api\/runz/,
    /deno\.json has no task "deploy-everything"/,
    /DROVER_WORKER_SLOTZ is not a documented variable[^]*task module \.\/pipelines\/nightly\.ts does not exist/,
    /POST \/api\/runs sends no token/,
    /Unknown command "bake"/,
  ];
  assert.equal(problems.length, expect.length);
  problems.forEach((found, i) => assert.match(found.join("\n"), expect[i]!, commands[i]!.text));
  // The same checker passes the real first-task commands.
  for (
    const text of [
      "DROVER_TASK_MODULES=./pipelines/daily.ts deno task drover worker",
      "deno task drover retry <runId> --wait",
    ]
  ) assert.deepEqual(await checkCommand(text, refs), [], text);
});

Deno.test("every shell command of README.md and docs/tasks.md checks out, and those a local hub serves run", async (t) => {
  const commands = await docCommands();
  const plans = commands.map((c) => planOf(c.text).kind);
  const count = (kind: string) => plans.filter((p) => p === kind).length;
  await using cluster = await startCluster({
    name: "docs-examples",
    workerEntry: "examples/worker.ts",
    workers: [{ name: "examples" }],
    worker: { logLevel: "warn" },
  });
  // What `deno task start` keeps in .drover/: its admin token and, in data/, the outputs.
  await Deno.writeTextFile(`${cluster.dir}/admin-token`, cluster.adminToken);
  const guide = await Deno.readTextFile(new URL(GUIDE, ROOT));
  const refs = await loadReferences(cluster.hub.url, guideFiles(guide));

  await t.step(`all ${commands.length} commands pass the static checks`, async () => {
    assert.ok(commands.length >= 20, `found only ${commands.length} commands`);
    const results = await Promise.all(
      commands.map(async (c) => ({ c, problems: await checkCommand(c.text, refs) })),
    );
    const bad = results.filter((r) => r.problems.length > 0)
      .map((r) => `${r.c.file}:${r.c.line}: ${r.c.text}\n    ${r.problems.join("\n    ")}`);
    assert.deepEqual(bad, [], `Documented commands that cannot work:\n${bad.join("\n")}`);
  });

  const dir = await makeScratchDir("examples_");
  try {
    const modules = await writeExampleModules(guide, dir);
    // The task modules the guide's own worker commands load run there, not in the guide worker.
    const taken = [
      ...new Set(
        commands.flatMap((c) => [...c.text.matchAll(/\.\/pipelines\/([\w-]+\.ts)/g)])
          .map((m) => m[1]!).filter((name) => modules.some((m) => m.name === name)),
      ),
    ];
    const families = await writeGuideFamilies(dir, modules, taken);
    await using _guideWorker = await spawnGuideWorker(cluster.hub, families, dir);

    await t.step(
      `${count("run")} commands run and ${count("background")} start a worker; ` +
        `${count("static")} are only checked`,
      async () => {
        assert.ok(count("run") >= 10, "most commands run");
        const outcomes: Outcome[] = [];
        for (const file of DOCS) {
          await using session = new DocSession({
            hubUrl: cluster.hub.url,
            droverDir: cluster.dir,
            pipelinesDir: dir,
          });
          for (const command of commands.filter((c) => c.file === file)) {
            outcomes.push(await session.run(command));
          }
        }
        assert.equal(outcomes.length, commands.length);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
