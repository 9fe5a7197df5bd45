/**
 * The run graph and timeline in a real browser (Debian's chromium, driven
 * by playwright-core) against a real hub and worker: the graph draws, a
 * task node turns done live without a reload, a group's counts follow the
 * run, a group expands on click, a task node opens `/ui/tasks/{id}`, and
 * hostile parameters are shown as text and never run.
 *
 * It opens the hub's own run page, `/ui/runs/{id}`. The browser context
 * sends a viewer's bearer token on every request (`extraHTTPHeaders`), so
 * the page, the graph's `fetch` and its `EventSource` are authenticated
 * without signing in (tests/ui_runs_browser_test.ts signs in).
 */
import assert from "node:assert/strict";
import { chromium, type Page } from "playwright-core";
import { pollUntil } from "../testing/poll_until.ts";
import { shoot } from "./fixtures/ui_browser.ts";
import { startCluster } from "../testing/start_cluster.ts";
import { waitForRun } from "../testing/wait_for_run.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_BIN") ?? "/usr/bin/chromium";
const HOSTILE = `"><img src=x onerror=window.__xss=1><script>window.__xss=2</script>`;

/** Where to save screenshots, to look at them; none unless set. */
const SCREENSHOTS = Deno.env.get("DROVER_UI_GRAPH_SCREENSHOTS");

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}`, fullPage: true });
}

async function openRunPage(page: Page, hubUrl: string, runId: string): Promise<void> {
  const response = await page.goto(`${hubUrl}/ui/runs/${runId}`);
  assert.equal(response?.status(), 200, `the run page of ${runId}`);
}

function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as { __csp?: string[] }).__csp ?? []);
}

Deno.test("the run graph draws, follows the run live, expands groups, opens tasks, and never runs hostile text", async (t) => {
  const exists = await Deno.stat(CHROMIUM).then(() => true, () => false);
  assert.ok(exists, `No browser at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_BIN`);
  await using cluster = await startCluster({
    name: "ui-graph",
    workerEntry: "tests/fixtures/worker.ts",
    workers: [{ name: "eu-1", labels: "region=eu-west" }],
    worker: { slots: 4 },
  });
  const viewer = await cluster.api.request<{ token: string }>("/api/tokens", {
    body: { role: "viewer", name: "ui" },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: Deno.uid() === 0 ? ["--no-sandbox"] : [],
  });
  const problems: string[] = [];
  try {
    const context = await browser.newContext({
      extraHTTPHeaders: { authorization: `Bearer ${viewer.body.token}` },
    });
    // Counts the graph's update batches; notes Content-Security-Policy violations.
    await context.addInitScript({
      content: `window.__updates = 0; window.__csp = [];
        document.addEventListener("graph:updated", () => window.__updates++, true);
        document.addEventListener("securitypolicyviolation",
          (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`,
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));

    await t.step("a running task's node turns done live, without a reload", async () => {
      const run = await cluster.api.submit("Gate", { id: "ui-gate", status: HOSTILE });
      await pollUntil("the gate leased", async () => {
        const task = await cluster.api.get<{ state: string }>(`/api/tasks/${run.taskId}`);
        return task.state === "leased" ? true : undefined;
      }, { timeoutMs: 30_000 });
      await openRunPage(page, cluster.hub.url, run.runId);
      const node = `#run-graph [data-node-id="${run.taskId}"]`;
      await page.waitForSelector(`${node}.state-leased`);
      await page.evaluate(() => (globalThis as unknown as Record<string, unknown>).__marker = 1);
      await Deno.mkdir(`${cluster.dataDir}/gates`, { recursive: true });
      await Deno.writeTextFile(`${cluster.dataDir}/gates/ui-gate`, "");
      await page.waitForSelector(`${node}.state-done`, { timeout: 30_000 });
      await page.waitForSelector('#run-graph[data-run-state="done"]');
      assert.equal(await page.evaluate(() => (globalThis as { __marker?: number }).__marker), 1);
      assert.ok(await page.evaluate(() => (globalThis as { __updates?: number }).__updates! > 0));
      assert.equal(
        await page.textContent(`${node} .node-label`),
        `id=ui-gate status=${HOSTILE}`.slice(0, 31) + "…",
      );
      await page.waitForSelector("#run-timeline .timeline-bar");
      await screenshot(page, "graph-task.png");
      assert.equal(await page.textContent("#run-timeline .timeline-region"), "eu-west");
      assert.equal(await page.textContent("#run-timeline .timeline-worker"), "eu-1");
      assert.deepEqual(await cspViolations(page), [], "nothing broke the CSP");
    });

    await t.step(
      "a group's counts follow the run; a click expands it; a task opens its page",
      async () => {
        // Paused, the leaves wait: the page opens on a group with none done.
        const pause = await cluster.api.request("/api/pauses/family/Sleep", {
          method: "PUT",
          body: { reason: "ui graph test" },
        });
        assert.equal(pause.status, 200, JSON.stringify(pause.body));
        const run = await cluster.api.submit("SleepAll", { group: HOSTILE, n: 20, ms: 100 });
        await openRunPage(page, cluster.hub.url, run.runId);
        const group = '#run-graph [data-node-id="g:Sleep:1"]';
        await page.waitForSelector(`${group}[data-done="0"]`, { timeout: 30_000 });
        await page.evaluate(() => (globalThis as unknown as Record<string, number>).__marker = 2);
        await screenshot(page, "graph-group.png");
        const resume = await cluster.api.request("/api/pauses/family/Sleep", { method: "DELETE" });
        assert.equal(resume.status, 200, JSON.stringify(resume.body));
        await page.waitForSelector(`${group}[data-done="20"]`, { timeout: 30_000 });
        await waitForRun(cluster.api, run.runId, { timeoutMs: 30_000 });
        assert.equal(await page.evaluate(() => (globalThis as { __marker?: number }).__marker), 2);
        assert.ok(await page.evaluate(() => (globalThis as { __updates?: number }).__updates! > 0));
        assert.match(await page.textContent(`${group} .node-label`) ?? "", /^20 tasks · 20 done$/);
        const [track, done] = await page.$$eval(
          `${group} .bar-track, ${group} .bar-seg.state-done`,
          (rects) => rects.map((r) => Math.round(r.getBoundingClientRect().width)),
        );
        assert.ok(track! > 100 && done === track, `all done fills the bar: ${done} of ${track}`);
        // The head follows too (re-read after the events): the picture for docs/ui.md.
        await page.waitForSelector("#run-live .run-head-main .state-done", { timeout: 15_000 });
        await page.waitForSelector("#run-timeline .timeline-bar");
        await page.setViewportSize({ width: 1280, height: 1280 });
        await shoot(page, "run_grouped");
        await page.setViewportSize({ width: 1280, height: 720 });
        await page.click(group);
        await page.waitForSelector('#run-graph [data-kind="task"][data-node-id^="Sleep_"]');
        assert.equal(await page.locator('#run-graph [data-kind="task"]').count(), 21);
        const labels = await page.locator('#run-graph [data-node-id^="Sleep_"] .node-label')
          .allTextContents();
        assert.equal(labels.length, 20);
        assert.ok(labels.every((l) => l.startsWith(`group=${HOSTILE.slice(0, 20)}`)), labels[0]);
        assert.equal(await page.locator("img, #run-graph script").count(), 0);
        assert.equal(
          await page.evaluate(() => (globalThis as { __xss?: number }).__xss),
          undefined,
        );

        assert.deepEqual(await cspViolations(page), [], "nothing broke the CSP");
        await screenshot(page, "graph-expanded.png");
        const first = page.locator('#run-graph [data-node-id^="Sleep_"]').first();
        const id = await first.getAttribute("data-node-id");
        await first.click();
        await page.waitForURL(`**/ui/tasks/**`);
        assert.equal(page.url(), `${cluster.hub.url}/ui/tasks/${encodeURIComponent(id!)}`);
      },
    );

    assert.deepEqual(problems.filter((p) => !/404|Not Found/.test(p)), []);
  } finally {
    await browser.close();
  }
});
