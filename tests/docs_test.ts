/**
 * Keeps the examples in docs/tasks.md and README.md compiling: every ```ts
 * block is written to its own module in a temporary directory under
 * `.drover/doccheck/`, and the lot is type-checked with `deno check`.
 *
 * How the blocks become modules (the guide's imports written as if from
 * `pipelines/`, the README's from the root, named blocks such as
 * `// pipelines/daily.ts`, ```ts ignore) is in `fixtures/markdown_blocks.ts`.
 */
import assert from "node:assert/strict";
import {
  AUTHOR_DIR,
  type CodeBlock,
  extractBlocks,
  isCheckedTs,
  makeScratchDir,
  namedFile,
  rewriteImports,
  ROOT,
  writeExampleModules,
} from "./fixtures/markdown_blocks.ts";

const DOC = "docs/tasks.md";

Deno.test("extractBlocks() finds every fenced block with its opening line and info string", () => {
  const md = [
    "# Title", //                  1
    "```ts", //                    2
    "const a = 1;", //             3
    "```", //                      4
    "text", //                     5
    "````ts ignore", //            6
    "```", //                      7 (inside the four-backtick block)
    "````", //                     8
    "~~~sh", //                    9
    "echo hi", //                 10
    "~~~", //                     11
  ].join("\n");
  const blocks = extractBlocks(md);
  assert.deepEqual(blocks, [
    { line: 2, info: ["ts"], code: "const a = 1;" },
    { line: 6, info: ["ts", "ignore"], code: "```" },
    { line: 9, info: ["sh"], code: "echo hi" },
  ]);
  assert.deepEqual(blocks.map(isCheckedTs), [true, false, false]);
});

Deno.test("namedFile() reads the file a block names on its first line", () => {
  const block = (code: string): CodeBlock => ({ line: 1, info: ["ts"], code });
  assert.equal(namedFile(block("// pipelines/daily.ts\nexport const a = 1;")), "daily.ts");
  assert.equal(namedFile(block("// a comment\n// pipelines/daily.ts")), undefined);
  assert.equal(namedFile(block("// pipelines/../escape.ts")), undefined);
});

Deno.test("rewriteImports() resolves relative specifiers from the readers' directory", () => {
  const base = new URL("file:///repo/pipelines/");
  const local = new URL("file:///repo/.drover/doccheck/x/");
  const code = [
    'import { z } from "zod";',
    'import { defineTask } from "../worker/mod.ts";',
    "import type { Target } from '../shared/targets/target.ts';",
    'export { helper } from "./helper.ts";',
    'import "../side_effect.ts";',
    'const m = await import("../worker/mod.ts");',
  ].join("\n");
  assert.deepEqual(rewriteImports(code, base, local).split("\n"), [
    'import { z } from "zod";',
    'import { defineTask } from "file:///repo/worker/mod.ts";',
    "import type { Target } from 'file:///repo/shared/targets/target.ts';",
    'export { helper } from "file:///repo/.drover/doccheck/x/helper.ts";',
    'import "file:///repo/side_effect.ts";',
    'const m = await import("file:///repo/worker/mod.ts");',
  ]);
});

/** The documents whose ```ts blocks are checked, and where their relative imports resolve from. */
const TS_DOCS = [[DOC, AUTHOR_DIR], ["README.md", ROOT]] as const;

Deno.test("every ts block in docs/tasks.md and README.md type-checks with deno check", async () => {
  const dirs: string[] = [];
  try {
    // One deno check for all: the type graph (zod, the door) is loaded once.
    const files: string[] = [];
    const counts: Record<string, number> = {};
    const named: string[] = [];
    for (const [doc, base] of TS_DOCS) {
      const dir = await makeScratchDir("ts_blocks_");
      dirs.push(dir);
      const modules = await writeExampleModules(
        await Deno.readTextFile(new URL(doc, ROOT)),
        dir,
        base,
      );
      counts[doc] = modules.length;
      files.push(...modules.map((m) => m.path));
      for (const m of modules.filter((m) => namedFile(m.block))) {
        named.push(`${doc} ${m.name} is the block at line ${m.block.line}`);
      }
    }
    assert.ok(counts[DOC]! >= 10, `expected the guide's examples, found ${counts[DOC]} ts blocks`);
    assert.ok(counts["README.md"]! >= 1, "the README shows a task family");
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", new URL("deno.json", ROOT).pathname, ...files],
      cwd: ROOT.pathname,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const decoder = new TextDecoder();
    // "file:///…/L0123.ts:5:7" → "docs/tasks.md example L0123.ts:5:7".
    let report = decoder.decode(out.stdout) + decoder.decode(out.stderr);
    TS_DOCS.forEach(([doc], i) => {
      report = report.replaceAll(`file://${dirs[i]}/`, `${doc} example `)
        .replaceAll(`${dirs[i]}/`, `${doc} example `);
    });
    assert.equal(
      out.code,
      0,
      `deno check failed for the examples (mark a deliberately partial block ` +
        `\`\`\`ts ignore; ${named.join(", ") || "no named blocks"}):\n${report}`,
    );
  } finally {
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
});

/** What an author's module may import by a relative path, as written from `pipelines/`. */
const DOORS = [
  "../shared/mod.ts",
  "../worker/mod.ts",
  "../worker/process.ts",
  "../targets/s3_target.ts",
  "../targets/sql_table_target.ts",
];

Deno.test("the guide's examples import Drover only through its doors, as a file in pipelines/ would", async () => {
  const markdown = await Deno.readTextFile(new URL(DOC, ROOT));
  const blocks = extractBlocks(markdown).filter(isCheckedTs);
  const named = blocks.map(namedFile).filter((n) => n !== undefined).map((n) => `./${n}`);
  const wrong: string[] = [];
  for (const block of blocks) {
    const specifiers = block.code.matchAll(
      /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g,
    );
    for (const [, specifier] of specifiers) {
      if (specifier === "zod" || DOORS.includes(specifier!) || named.includes(specifier!)) continue;
      wrong.push(`line ${block.line}: "${specifier}"`);
    }
  }
  assert.deepEqual(
    wrong,
    [],
    `${DOC} examples import what authors do not (use ${DOORS.join(", ")} or a named block)`,
  );
});
