/**
 * `deno task bench:ui`: the run graph of a 10,000-task run in a real
 * browser. A fresh cluster (one `bench/hub.ts`, N `bench/worker.ts`) gets a
 * `BenchWide(n)` run with its leaves paused, so the whole graph exists
 * before anything runs; then:
 *
 * - `GET /api/runs/{id}/graph` (plain and with the leaves' group expanded),
 *   `/timeline` and the run page's HTML are timed from here, several times
 *   each;
 * - chromium opens the run's own page, `/ui/runs/{id}`, as an operator
 *   would (signed in by the admin token): time to first render is
 *   navigation start to the graph's `graph:rendered` event, on the page's
 *   own clock, beside when the server-rendered page was ready;
 * - the leaves are resumed and the run goes to the end while the page
 *   follows its events: the update rate is the graph's DOM update batches
 *   (`graph:updated`) per second, with the nodes they repainted, and the
 *   longest gap between two batches.
 *
 * Figures, not assertions. Flags: `--tasks=10000`, `--workers=4`,
 * `--slots=8`, `--repeat=5`, `--timeout-s=600`, `--keep`, `--echo`.
 */
import { chromium } from "playwright-core";
import { parseFlags, throwIfProblems, wholeNumber } from "../testing/parse_flags.ts";
import { pollUntil } from "../testing/poll_until.ts";
import { startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";
import { summarize } from "./stats.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_BIN") ?? "/usr/bin/chromium";
const USAGE = "Usage: deno task bench:ui [--tasks=10000] [--workers=4] [--slots=8] " +
  "[--repeat=5] [--timeout-s=600] [--keep] [--echo]";

/** What the page records: first render and every update batch, on its clock. */
const PAGE_PROBE = `window.__bench = { rendered: [], updates: [], ready: null };
document.addEventListener("DOMContentLoaded", () => window.__bench.ready = performance.now());
document.addEventListener("graph:rendered",
  (e) => window.__bench.rendered.push([performance.now(), e.detail.nodes]), true);
document.addEventListener("graph:updated",
  (e) => window.__bench.updates.push([performance.now(), e.detail.nodes]), true);`;

interface PageFigures {
  /** DOMContentLoaded: the server-rendered page parsed. */
  ready: number | null;
  rendered: Array<[number, number]>;
  updates: Array<[number, number]>;
}

async function timed(repeat: number, f: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await f();
    ms.push(performance.now() - start);
  }
  return summarize(ms);
}

async function main(args: string[]): Promise<void> {
  const { values, positionals, problems } = parseFlags(args, {
    tasks: { type: "string", default: "10000" },
    workers: { type: "string", default: "4" },
    slots: { type: "string", default: "8" },
    repeat: { type: "string", default: "5" },
    "timeout-s": { type: "string", default: "600" },
    keep: { type: "boolean" },
    echo: { type: "boolean" },
  });
  for (const p of positionals) problems.push(`Unexpected argument "${p}"`);
  const n = wholeNumber(problems, "--tasks", values.tasks, 1, 100_000);
  const workers = wholeNumber(problems, "--workers", values.workers, 1, 64);
  const slots = wholeNumber(problems, "--slots", values.slots, 1, 1_000);
  const repeat = wholeNumber(problems, "--repeat", values.repeat, 1, 100);
  const timeoutMs = wholeNumber(problems, "--timeout-s", values["timeout-s"], 1, 86_400) * 1000;
  throwIfProblems(problems, USAGE);

  const root = await Deno.makeTempDir({ prefix: "drover-bench-ui-" });
  const log = (line: string) => console.error(`bench:ui: ${line}`);
  try {
    await using cluster = await startCluster({
      name: "bench-ui",
      dir: `${root}/cluster`,
      hub: { entry: "bench/hub.ts", listeningMsg: "bench hub listening", logLevel: "warn" },
      workerEntry: "bench/worker.ts",
      workers: Array.from({ length: workers }, (_, i) => ({ name: `bench-w${i + 1}` })),
      worker: { slots, logLevel: "warn" },
      echo: values.echo,
    });
    const { api } = cluster;
    const paused = await api.request("/api/pauses/family/BenchLeaf", {
      method: "PUT",
      body: { reason: "bench: build the graph first" },
    });
    if (paused.status !== 200) throw new Error(`Pausing BenchLeaf: ${paused.status}`);
    const { runId } = await api.submit("BenchWide", { n });
    await pollUntil(`run ${runId} expanded to ${n + 1} tasks`, async () => {
      const run = await api.get<{ total: number }>(`/api/runs/${runId}`);
      return run.total >= n + 1 ? true : undefined;
    }, { timeoutMs, everyMs: 200 });
    log(`run ${runId}: ${n + 1} tasks, leaves paused`);

    const graphPath = `/api/runs/${runId}/graph`;
    const sizes: Record<string, number> = {};
    const fetchSized = (name: string, path: string) => async () => {
      const res = await api.request<unknown>(path);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
      sizes[name] = JSON.stringify(res.body).length;
    };
    const endpoint = {
      graph: await timed(repeat, fetchSized("graph", graphPath)),
      graphExpanded: await timed(
        repeat,
        fetchSized("graphExpanded", `${graphPath}?expand=g:BenchLeaf:1`),
      ),
      timeline: await timed(repeat, fetchSized("timeline", `/api/runs/${runId}/timeline`)),
      // The run page's HTML, as the browser and each live refresh read it.
      runPage: await timed(repeat, async () => {
        const res = await fetch(`${cluster.hub.url}/ui/runs/${runId}`, {
          headers: { authorization: `Bearer ${cluster.adminToken}` },
        });
        const html = await res.text();
        if (res.status !== 200) throw new Error(`GET /ui/runs/${runId}: ${res.status}`);
        sizes.runPage = html.length;
      }),
    };
    log(`endpoints: ${JSON.stringify(endpoint)}`);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: Deno.uid() === 0 ? ["--no-sandbox"] : [],
    });
    let figures: PageFigures;
    let runSeconds: number;
    let finalDone: string | null;
    let caughtUp: number | null = null;
    try {
      const context = await browser.newContext({
        extraHTTPHeaders: { authorization: `Bearer ${cluster.adminToken}` },
        viewport: { width: 1400, height: 900 },
      });
      await context.addInitScript({ content: PAGE_PROBE });
      const page = await context.newPage();
      const leaves = '#run-graph [data-node-id="g:BenchLeaf:1"]';
      const response = await page.goto(`${cluster.hub.url}/ui/runs/${runId}`);
      if (response?.status() !== 200) {
        throw new Error(`The run page answered ${response?.status()}`);
      }
      await page.waitForSelector(leaves, { timeout: 60_000 });
      log("graph drawn; resuming the leaves");
      const started = performance.now();
      const resumed = await api.request("/api/pauses/family/BenchLeaf", { method: "DELETE" });
      if (resumed.status !== 200) throw new Error(`Resuming BenchLeaf: ${resumed.status}`);
      await waitForRun(api, runId, { timeoutMs, everyMs: 500 });
      const done = performance.now();
      runSeconds = (done - started) / 1000;
      await page.waitForSelector(`${leaves}[data-done="${n}"]`, { timeout: 120_000 })
        .then(() => caughtUp = performance.now() - done)
        .catch(() => log("the page did not count every leaf done within 120 s"));
      finalDone = await page.getAttribute(leaves, "data-done");
      figures = await page.evaluate("window.__bench") as PageFigures;
    } finally {
      await browser.close();
    }
    console.log(report(n, runSeconds, endpoint, sizes, figures, finalDone, caughtUp));
  } finally {
    if (values.keep) log(`kept ${root}`);
    else await Deno.remove(root, { recursive: true });
  }
}

function report(
  n: number,
  runSeconds: number,
  endpoint: Record<string, ReturnType<typeof summarize>>,
  sizes: Record<string, number>,
  page: PageFigures,
  finalDone: string | null,
  caughtUp: number | null,
): string {
  const ms = (v: number | null) => v === null ? "-" : `${v.toFixed(1)} ms`;
  const lines = [`Run graph of BenchWide(${n}): ${n + 1} tasks`, "", "Endpoint (from the bench):"];
  for (const [name, s] of Object.entries(endpoint)) {
    lines.push(
      `  ${name.padEnd(14)} median ${ms(s.p50)}  max ${ms(s.max)}  (${sizes[name]} bytes)`,
    );
  }
  const first = page.rendered[0];
  const times = page.updates.map(([t]) => t);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const span = times.length > 1 ? (times.at(-1)! - times[0]!) / 1000 : 0;
  const nodes = page.updates.reduce((sum, [, k]) => sum + k, 0);
  lines.push(
    "",
    "Browser (chromium):",
    `  page ready       ${ms(page.ready)} after navigation (server-rendered, parsed)`,
    `  first render     ${first ? `${ms(first[0])} after navigation (${first[1]} nodes)` : "none"}`,
    `  run              ${runSeconds.toFixed(1)} s from resume to done`,
    `  update batches   ${times.length} (${nodes} node repaints) over ${span.toFixed(1)} s`,
    `  update rate      ${span > 0 ? (times.length / span).toFixed(1) : "-"} batches/s`,
    `  longest gap      ${gaps.length > 0 ? ms(Math.max(...gaps)) : "-"} between batches`,
    `  layouts drawn    ${page.rendered.length}`,
    `  leaves shown done at the end: ${finalDone} of ${n}` +
      (caughtUp === null ? "" : `, ${ms(caughtUp)} after the run was done`),
  );
  return lines.join("\n");
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
