/**
 * Keeps the examples in docs/tasks.md compiling: every ```ts block is
 * written to its own module in a temporary directory under
 * `.drover/doccheck/`, and the lot is type-checked with `deno check`.
 *
 * The guide's examples are written as if they sat in `pipelines/`, a
 * directory at the repository's root, so their relative imports are
 * rewritten: `../worker/mod.ts` to the repository's `worker/mod.ts`, and
 * `./daily.ts` to the block that starts with the comment
 * `// pipelines/daily.ts` (a block names its file that way; the others are
 * named after their line). A block fenced ```ts ignore is intentionally
 * partial and skipped.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const DOC = "docs/tasks.md";
/** Where the guide's examples live as far as their relative imports are concerned. */
const AUTHOR_DIR = new URL("pipelines/", ROOT);

/** One fenced code block of a Markdown file. */
interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's words, e.g. `["ts", "ignore"]`. */
  info: string[];
  code: string;
}

/** The fenced (backtick or tilde) code blocks of `markdown`, in order. */
function extractBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    // A closing fence uses the same character, at least as many times, and nothing else.
    const close = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    while (j < lines.length && !close.test(lines[j]!)) body.push(lines[j++]!);
    blocks.push({
      line: i + 1,
      info: open[2]!.trim().split(/\s+/).filter(Boolean),
      code: body.join("\n"),
    });
    i = j;
  }
  return blocks;
}

/** Whether a block is TypeScript to check (```ts or ```typescript, without `ignore`). */
function isCheckedTs(block: CodeBlock): boolean {
  const [lang, ...rest] = block.info;
  return (lang === "ts" || lang === "typescript") && !rest.includes("ignore");
}

/** The file a block names on its first line (`// pipelines/daily.ts` → `daily.ts`), if any. */
function namedFile(block: CodeBlock): string | undefined {
  return /^\/\/ pipelines\/([\w-]+\.ts)\s*$/.exec(block.code.split("\n")[0]!)?.[1];
}

/**
 * Rewrites the relative specifiers of `import … from`, `export … from`,
 * side-effect imports and dynamic `import()` into absolute URLs: resolved
 * from `base` (the readers' `pipelines/` directory), then, for modules inside
 * `base` (other blocks), moved to `local`. Bare specifiers (`"zod"`) are
 * left to the import map.
 */
function rewriteImports(code: string, base: URL, local: URL): string {
  return code.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']+)\2/g,
    (_match, lead: string, quote: string, specifier: string) => {
      let url = new URL(specifier, base).href;
      if (url.startsWith(base.href)) url = local.href + url.slice(base.href.length);
      return `${lead}${quote}${url}${quote}`;
    },
  );
}

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

Deno.test("every ts block in docs/tasks.md type-checks with deno check", async () => {
  const markdown = await Deno.readTextFile(new URL(DOC, ROOT));
  const blocks = extractBlocks(markdown).filter(isCheckedTs);
  assert.ok(blocks.length >= 10, `expected the guide's examples, found ${blocks.length} ts blocks`);

  const scratch = new URL(".drover/doccheck/", ROOT);
  await Deno.mkdir(scratch, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: scratch.pathname, prefix: "tasks_md_" });
  try {
    const local = new URL(`file://${dir}/`);
    const files: string[] = [];
    const named: string[] = [];
    for (const block of blocks) {
      // No lines are added before the code, so that "L0123.ts:5:7" is line
      // 123 + 5 of the guide (and "daily.ts:5:7" line 5 of that block).
      const name = namedFile(block) ?? `L${String(block.line).padStart(4, "0")}.ts`;
      const file = `${dir}/${name}`;
      assert.ok(!files.includes(file), `two blocks of ${DOC} are named pipelines/${name}`);
      // `export {}` makes even an import-free block a module of its own.
      const code = `${rewriteImports(block.code, AUTHOR_DIR, local)}\nexport {};\n`;
      await Deno.writeTextFile(file, code);
      files.push(file);
      if (namedFile(block)) named.push(`${name} is the block at line ${block.line}`);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", new URL("deno.json", ROOT).pathname, ...files],
      cwd: ROOT.pathname,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const decoder = new TextDecoder();
    // "file:///…/L0123.ts:5:7" → "docs/tasks.md example L0123.ts:5:7".
    const report = (decoder.decode(out.stdout) + decoder.decode(out.stderr))
      .replaceAll(`file://${dir}/`, `${DOC} example `)
      .replaceAll(`${dir}/`, `${DOC} example `);
    assert.equal(
      out.code,
      0,
      `deno check failed for the examples in ${DOC} (mark a deliberately partial block ` +
        `\`\`\`ts ignore; ${named.join(", ") || "no named blocks"}):\n${report}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
