/**
 * The Runs list, a Run page and a Task page on an in-memory hub: hostile
 * params, status messages, errors, stacks and log lines stay text; viewers
 * get no control; filters, paging and 404s.
 */
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { defineTask } from "../../../shared/task.ts";
import type { WorkerLink } from "../../core/worker_links.ts";
import { type TestApp, testApp } from "../../test_app.ts";
import { signIn } from "../test_sign_in.ts";
import { JS_URL, XSS } from "./test_fixtures.ts";

const Note = defineTask({
  family: "Note",
  params: z.object({ note: z.string(), link: z.string().default(JS_URL) }),
  run: async () => {},
});

const json = { "content-type": "application/json" };

async function submit(t: TestApp, note: string): Promise<{ runId: string; taskId: string }> {
  const r = await t.app.request("/api/runs", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ family: "Note", params: { note } }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  return await r.json();
}

/** A run whose task failed with hostile words everywhere a task can write. */
async function hostileFailure(t: TestApp) {
  const run = await submit(t, XSS);
  const error = JSON.stringify({
    name: XSS,
    message: XSS,
    retryable: false,
    stack: `${XSS}\n at x`,
  });
  await t.core.queue.write(async (tx) => {
    await tx.run(sql`INSERT INTO attempts (task_id, kind, epoch, attempt, worker_id, started_at,
        ended_at, outcome, error)
      VALUES (${run.taskId}, 'run', 1, 1, 'w', 1000, 2000, 'failed', ${error})`);
    await tx.run(sql`UPDATE tasks SET state = 'failed', status_message = ${XSS},
      last_error = ${error}, attempt = 1, finished_at = 2000 WHERE id = ${run.taskId}`);
    await tx.run(sql`UPDATE runs SET state = 'failed', finished_at = 2000 WHERE id = ${run.runId}`);
  });
  const link = { workerId: "w" } as WorkerLink;
  await t.core.workers.logs(link, run.taskId, 1, [
    { at: 1_500, level: "error", msg: XSS, fields: { href: JS_URL } },
  ], 0);
  return run;
}

async function page(t: TestApp, path: string, cookie: string, status = 200): Promise<string> {
  const r = await t.raw.request(path, { headers: { cookie } });
  const text = await r.text();
  assert.equal(r.status, status, `${path}: ${r.status}`);
  return text;
}

function assertInert(html: string, where: string): void {
  assert.ok(!html.includes("<script>window.__xss"), `${where}: raw <script>`);
  assert.ok(!html.includes("<img src=x"), `${where}: raw <img>`);
  assert.doesNotMatch(html, /href="javascript:/i, `${where}: javascript: link`);
  const markup = html.replace(/="[^"]*"/g, '=""');
  assert.doesNotMatch(markup, /<[^>]+\sonerror=/i, `${where}: an onerror attribute`);
}

Deno.test("the runs, run and task pages show hostile params, statuses, errors, stacks and log lines as text", async () => {
  await using t = await testApp([Note]);
  const run = await hostileFailure(t);
  const admin = await signIn(t.raw, t.adminToken);
  const paths = ["/ui/runs", `/ui/runs/${run.runId}`, `/ui/tasks/${run.taskId}`];
  for (const path of paths) {
    const html = await page(t, path, admin.cookie);
    assertInert(html, path);
    assert.match(html, /&lt;script&gt;window.__xss=1&lt;\/script&gt;/, `${path} shows it`);
  }
  const task = await page(t, `/ui/tasks/${run.taskId}`, admin.cookie);
  assert.match(task, /<pre class="stack">&lt;script&gt;/, "the stack, as text");
  assert.match(task, /<span class="log-msg">&lt;script&gt;/, "the log line, as text");
  assert.match(task, /class="status-message">&lt;script&gt;/, "the status, as text");
  assert.ok(task.includes(JS_URL), "the javascript: param is shown, never linked");
  const runPage = await page(t, `/ui/runs/${run.runId}`, admin.cookie);
  assert.match(runPage, /===== Drover execution summary =====/);
  assert.match(runPage, /This run failed: 1 task failed\./);
  assert.match(runPage, /id="run-graph" data-run-id="run_/);
  assert.match(runPage, /id="run-timeline" data-run-id="run_/);
});

Deno.test("a viewer sees no control on the run pages; an operator gets Retry, Cancel, Mark done and the Run form", async () => {
  await using t = await testApp([Note]);
  const failed = await hostileFailure(t);
  const running = await submit(t, "fine");
  const paths = [
    "/ui/runs",
    `/ui/runs/${failed.runId}`,
    `/ui/runs/${running.runId}`,
    `/ui/tasks/${failed.taskId}`,
    `/ui/tasks/${running.taskId}`,
    "/ui/families/Note",
  ];
  const viewer = await signIn(t.raw, await t.token("viewer"));
  for (const path of paths) {
    const html = await page(t, path, viewer.cookie);
    assert.doesNotMatch(html, /data-action=|data-api-form=|data-run-form=/, `${path}: a control`);
  }
  const operator = await signIn(t.raw, await t.token("operator"));
  const failedRun = await page(t, `/ui/runs/${failed.runId}`, operator.cookie);
  assert.match(failedRun, new RegExp(`data-action="/api/runs/${failed.runId}/retry"`));
  assert.match(failedRun, /Put the 1 failed task back in the queue/);
  assert.doesNotMatch(failedRun, /\/cancel"/, "a finished run cannot be cancelled");
  const runningRun = await page(t, `/ui/runs/${running.runId}`, operator.cookie);
  assert.match(runningRun, new RegExp(`data-action="/api/runs/${running.runId}/cancel"`));
  assert.match(runningRun, /data-reason-optional/);
  const failedTask = await page(t, `/ui/tasks/${failed.taskId}`, operator.cookie);
  assert.match(failedTask, /\/retry"/);
  assert.match(failedTask, /\/done"[^>]*data-reason-required/s);
  const readyTask = await page(t, `/ui/tasks/${running.taskId}`, operator.cookie);
  assert.match(readyTask, /\/cancel"/);
  assert.match(readyTask, /data-follow="true"/, "an unfinished task's log is followed");
  const family = await page(t, "/ui/families/Note", operator.cookie);
  assert.match(family, /data-run-form="Note"/);
  assert.match(family, /name="params.note"[^>]*required/s);
});

Deno.test("the runs list filters by state and family from the query and pages with the cursor", async () => {
  await using t = await testApp([Note]);
  const failed = await hostileFailure(t);
  const a = await submit(t, "a");
  const b = await submit(t, "b");
  const admin = await signIn(t.raw, t.adminToken);
  const rows = (html: string) => [...html.matchAll(/data-run="(run_\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(rows(await page(t, "/ui/runs?state=failed", admin.cookie)), [failed.runId]);
  assert.deepEqual(rows(await page(t, "/ui/runs?family=Nope", admin.cookie)), []);
  const first = await page(t, "/ui/runs?state=running&limit=1", admin.cookie);
  assert.deepEqual(rows(first), [b.runId]);
  const next = /href="(\/ui\/runs\?[^"]*cursor=[^"]+)"/.exec(first)?.[1]?.replaceAll("&amp;", "&");
  assert.ok(next?.includes("state=running"), "the next page keeps the filter");
  assert.deepEqual(rows(await page(t, next!, admin.cookie)), [a.runId]);
  await page(t, "/ui/runs?cursor=bogus", admin.cookie, 400);
});

Deno.test("an unknown run or task is a 404 page", async () => {
  await using t = await testApp([Note]);
  const admin = await signIn(t.raw, t.adminToken);
  assert.match(await page(t, "/ui/runs/run_nope", admin.cookie, 404), /Run &quot;run_nope&quot;/);
  await page(t, "/ui/tasks/Nope_1", admin.cookie, 404);
});
