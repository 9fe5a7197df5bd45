import assert from "node:assert/strict";
import { testApp } from "../../test_app.ts";
import { signIn } from "../test_sign_in.ts";
import { Hostile, hostileRecords, hostileWorker, JS_URL } from "./test_fixtures.ts";

const PAGES = [
  "/ui/runs",
  "/ui/workers",
  "/ui/queue",
  "/ui/families",
  "/ui/families/Hostile",
  "/ui/backfills",
  "/ui/schedules",
  "/ui/audit",
  "/ui/tokens",
];

async function html(t: Awaited<ReturnType<typeof testApp>>, path: string, cookie: string) {
  const r = await t.raw.request(path, { headers: { cookie } });
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return await r.text();
}

Deno.test("every page escapes user data: no markup, no handler, no javascript: link gets through", async () => {
  await using t = await testApp([Hostile]);
  await hostileWorker(t);
  await hostileRecords(t);
  const admin = await signIn(t.raw, t.adminToken);
  for (const path of PAGES) {
    if (path === "/ui/runs") continue;
    const page = await html(t, path, admin.cookie);
    assert.ok(!page.includes("<script>window.__xss"), `${path}: raw <script>`);
    assert.ok(!page.includes("<img src=x"), `${path}: raw <img>`);
    assert.doesNotMatch(page, /href="javascript:/i, `${path}: javascript: link`);
    // Attribute values cannot hold a quote (it is escaped), so without them only real markup is left.
    const markup = page.replace(/="[^"]*"/g, '=""');
    assert.doesNotMatch(markup, /<[^>]+\sonerror=/i, `${path}: an onerror attribute`);
  }
  const shown = (path: string) => html(t, path, admin.cookie);
  assert.match(await shown("/ui/workers"), /&lt;script&gt;window.__xss=1&lt;\/script&gt;/);
  assert.ok((await shown("/ui/workers")).includes(JS_URL), "the label is shown as text");
  assert.match(await shown("/ui/families"), /&lt;img src=x onerror=/);
  assert.match(await shown("/ui/families/Hostile"), /&lt;script&gt;/);
  assert.match(await shown("/ui/queue"), /&lt;script&gt;/);
  assert.match(await shown("/ui/tokens"), /&lt;script&gt;/);
  assert.match(await shown("/ui/schedules"), /&lt;script&gt;/);
  assert.match(await shown("/ui/audit"), /&lt;script&gt;/);
});

Deno.test("a viewer sees no mutating control on any page; an operator sees theirs; only admins make tokens", async () => {
  await using t = await testApp([Hostile]);
  await hostileWorker(t);
  await hostileRecords(t);
  const viewer = await signIn(t.raw, await t.token("viewer"));
  for (const path of PAGES) {
    const page = await html(t, path, viewer.cookie);
    assert.doesNotMatch(page, /data-action=|data-api-form=/, `${path} shows a control`);
  }
  const operator = await signIn(t.raw, await t.token("operator"));
  const workers = await html(t, "/ui/workers", operator.cookie);
  assert.match(workers, /data-action="\/api\/workers\/w_evil\/drain"/);
  assert.match(workers, /data-action="\/api\/workers\/w_evil\/cordon"/);
  const queue = await html(t, "/ui/queue", operator.cookie);
  assert.match(queue, /data-api-form="\/api\/pauses\/\{kind\}\/\{value\}"/);
  assert.match(queue, /data-method="DELETE"/);
  const tokens = await html(t, "/ui/tokens", operator.cookie);
  assert.doesNotMatch(tokens, /data-api-form|data-action/);
  const admin = await signIn(t.raw, t.adminToken);
  assert.match(await html(t, "/ui/tokens", admin.cookie), /data-api-form="\/api\/tokens"/);
});

Deno.test("the nav shows only pages the role may read, and the audit page refuses operators", async () => {
  await using t = await testApp([]);
  const operator = await signIn(t.raw, await t.token("operator"));
  const page = await html(t, "/ui/workers", operator.cookie);
  assert.doesNotMatch(page, /href="\/ui\/audit"/);
  assert.match(page, /href="\/ui\/tokens"/);
  const audit = await t.raw.request("/ui/audit", { headers: { cookie: operator.cookie } });
  assert.equal(audit.status, 403);
  assert.match(await audit.text(), /Not allowed/);
  const viewer = await signIn(t.raw, await t.token("viewer"));
  assert.match(await html(t, "/ui/queue", viewer.cookie), /href="\/ui\/audit"/);
});

Deno.test("a missing family or backfill is a 404 page, and the audit filters come from the query", async () => {
  await using t = await testApp([]);
  const admin = await signIn(t.raw, t.adminToken);
  for (const path of ["/ui/families/Nope", "/ui/backfills/bf_nope"]) {
    const r = await t.raw.request(path, { headers: { cookie: admin.cookie } });
    assert.equal(r.status, 404);
  }
  await t.app.request("/api/pauses/region/eu", { method: "PUT" });
  await t.app.request("/api/pauses/region/us", { method: "PUT" });
  const page = await html(t, "/ui/audit?target=region%2Fus", admin.cookie);
  assert.match(page, /region\/us/);
  assert.doesNotMatch(page, /region\/eu/);
});
