/**
 * The run pages in a real browser (Debian's chromium via playwright-core)
 * against a real hub and worker: trigger ExtractRaw from its family's form
 * (the hub's error next to the date, then a good date), watch the run finish
 * without a reload, follow a task's log live, open a failed task, read its
 * log, fix the cause and retry it from the UI; hostile params, status
 * messages, errors and log lines never run. Screenshots go to docs/ui/.
 */
import assert from "node:assert/strict";
import { pollUntil } from "../testing/poll_until.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { spawnWorker } from "../testing/spawn_worker.ts";
import {
  assertNoXss,
  launchChromium,
  shoot,
  signInWith,
  trappedPage,
} from "./fixtures/ui_browser.ts";
import { JS_URL, XSS } from "./fixtures/ui_worker.ts";
import { flagPath } from "./fixtures/ui_runs_worker.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

interface Run {
  runId: string;
  taskId: string;
  state: string;
  failed: Array<{ taskId: string }>;
}

Deno.test("the run pages: trigger from the form, watch live, read logs, retry, no XSS", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-ui-runs-" });
  const browser = await launchChromium();
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    const dataDir = `${dir}/data`;
    await Deno.mkdir(`${dataDir}/flags`, { recursive: true });
    await using _worker = await spawnWorker({
      hub,
      entry: "tests/fixtures/ui_runs_worker.ts",
      name: "eu-1",
      labels: "region=eu-west",
      dataDir,
      stateDir: `${dir}/state`,
    });
    const api = hub.api;
    const runOf = (id: string) => api.get<Run>(`/api/runs/${id}`);
    const finished = (id: string) =>
      pollUntil(`run ${id} to finish`, async () => {
        const run = await runOf(id);
        return run.state === "running" ? undefined : run;
      }, { timeoutMs: 20_000 });
    await pollUntil("the families to register", async () => {
      const r = await api.request("/api/families/Flaky");
      return r.status === 200 ? true : undefined;
    });
    const { page, dialogs, errors } = await trappedPage(browser);
    await signInWith(page, hub.url, hub.adminToken, "/ui/runs");

    let runId = "";
    await t.step("the form shows the hub's error next to the date, then submits", async () => {
      // Held by a pause, the run is still running when its page opens.
      await api.request("/api/pauses/family/ExtractRaw", { method: "PUT", body: {} });
      await page.goto(`${hub.url}/ui/families/ExtractRaw`);
      const date = page.locator('input[name="params.runDate"]');
      assert.equal(await date.getAttribute("type"), "date");
      await date.fill("20261-11-23"); // a five-digit year: the picker takes it, the hub does not
      await page.click('form[data-run-form] button[type="submit"]');
      const error = page.locator(".field-runDate .field-error, .field-date .field-error");
      await error.waitFor();
      assert.match((await error.textContent())!, /runDate/);
      await shoot(page, "trigger_form");
      await date.fill("2026-11-23");
      await page.fill('input[name="priority"]', "5");
      await page.click('form[data-run-form] button[type="submit"]');
      await page.waitForURL(/\/ui\/runs\/run_/);
      runId = new URL(page.url()).pathname.split("/").at(-1)!;
    });

    await t.step("the run page turns done without a reload", async () => {
      await page.locator("#run-live .run-head-main .state-running").waitFor();
      await page.evaluate(() => (globalThis as { __stay?: number }).__stay = 1);
      await api.request("/api/pauses/family/ExtractRaw", { method: "DELETE" });
      await page.locator("#run-live .run-head-main .state-done").waitFor({ timeout: 15_000 });
      assert.match((await page.textContent("pre.summary"))!, /This run succeeded\./);
      const stayed = await page.evaluate(() => (globalThis as { __stay?: number }).__stay);
      assert.equal(stayed, 1, "the page was not reloaded");
      assert.ok(await page.locator("#run-graph[data-run-id]").count());
    });

    await t.step("a running task's log is followed live on its page", async () => {
      await Deno.writeTextFile(flagPath(dataDir, "slow"), "ok");
      const { taskId } = (await api.request<Run>("/api/runs", {
        body: { family: "Flaky", params: { file: "slow", waitMs: 3_000 } },
      })).body;
      // Leased to run (attempt 1), not to expand (attempt 0): the page follows the latest attempt.
      await pollUntil("the slow task to start", async () => {
        const task = await api.get<{ state: string; next: string }>(`/api/tasks/${taskId}`);
        return task.state === "leased" && task.next === "run" ? true : undefined;
      });
      await page.goto(`${hub.url}/ui/tasks/${taskId}`);
      await page.locator("#task-log .log-msg", { hasText: "flag file found" })
        .waitFor({ timeout: 15_000 });
      await page.locator("[data-log-status]", { hasText: "ended" }).waitFor();
    });

    let failedTask = "";
    let reportRun = "";
    await t.step("a failed task's page shows its error and log, all as text", async () => {
      const note = `${XSS} ${JS_URL}`;
      reportRun = (await api.request<Run>("/api/runs", {
        body: { family: "FlakyReport", params: { file: "flag-1", note } },
      })).body.runId;
      const run = await finished(reportRun);
      assert.equal(run.state, "failed");
      failedTask = run.failed[0]!.taskId;
      await page.goto(`${hub.url}/ui/runs/${reportRun}`);
      await page.locator(".run-problems .culprit").first().waitFor();
      assert.ok((await page.textContent(".run-problems"))!.includes(XSS));
      await page.locator("#run-graph .node-task.state-failed").waitFor();
      await assertNoXss(page, dialogs, "run page");
      await shoot(page, "run");
      await page.click(`.failed-tasks a[href="/ui/tasks/${failedTask}"]`);
      await page.waitForURL(/\/ui\/tasks\//);
      await page.locator("#task-log .log-line").first().waitFor();
      const log = (await page.textContent("#task-log"))!;
      assert.ok(log.includes(XSS), "the hostile log line, as text");
      assert.match(log, /flag file flag-1 is missing/);
      assert.ok((await page.textContent(".status-message"))!.includes(XSS));
      assert.ok((await page.textContent(".attempts"))!.includes("Flag file"));
      const details = page.locator(".attempts details.error-details").first();
      assert.equal((await details.locator("summary").textContent())?.trim(), "stack");
      await details.locator("summary").click();
      assert.match(
        (await details.locator("pre.stack").textContent())!,
        /ui_runs_worker\.ts:\d+:\d+/,
        "the stack names where the task threw",
      );
      await assertNoXss(page, dialogs, "task page");
      await shoot(page, "task");
    });

    await t.step("fixing the cause and retrying from the task page gets it done", async () => {
      await Deno.writeTextFile(flagPath(dataDir, "flag-1"), "ok");
      await page.click(".task-actions button:has-text('Retry')");
      const dialog = page.locator("dialog.confirm");
      assert.match((await dialog.textContent())!, /back in the queue with its attempts reset/);
      assert.match((await dialog.textContent())!, /unblock the 1 task waiting on it/);
      await dialog.locator("button", { hasText: "Retry" }).click();
      await page.locator("#task-live .run-head-main .state-done").waitFor({ timeout: 15_000 });
      assert.equal((await finished(reportRun)).state, "done");
      await assertNoXss(page, dialogs, "task page after retry");
    });

    await t.step("the runs list links every run and shows hostile params as text", async () => {
      // A failed run, and one no worker can take (a region nobody serves): the list's mix.
      const broken = (await api.request<Run>("/api/runs", {
        body: { family: "Flaky", params: { file: "nowhere" } },
      })).body.runId;
      await api.request("/api/runs", {
        body: {
          family: "TransformAll",
          params: { runDate: "2026-11-24" },
          pin: { region: "ap-south" },
        },
      });
      await finished(broken);
      await page.goto(`${hub.url}/ui/runs`);
      await page.locator(`tr[data-run="${runId}"] a.run-link`).waitFor();
      await page.click(`tr[data-run="${reportRun}"] .summary-cell summary`);
      assert.match(
        (await page.textContent(`tr[data-run="${reportRun}"] pre.summary`))!,
        /===== Drover execution summary =====/,
      );
      await assertNoXss(page, dialogs, "runs page");
      await shoot(page, "runs");
      await page.goto(`${hub.url}/ui/runs?state=done&family=ExtractRaw`);
      assert.equal(await page.locator("tbody tr").count(), 1);
      assert.deepEqual(errors, [], "no CSP violation or script error");
    });
    await page.context().close();
  } finally {
    await browser.close();
    await removeTree(dir);
  }
});
