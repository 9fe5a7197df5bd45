/**
 * `/api/docs` in a real browser (Debian's chromium, driven by
 * playwright-core) against a real hub: every operation of the OpenAPI
 * document is listed with its roles, and "Send" makes real, authenticated
 * requests whose answers the page shows.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { createWorkerToken } from "../testing/create_worker_token.ts";
import { spawnHub } from "../testing/spawn_hub.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

/** Debian's chromium, or CHROMIUM_BIN. */
const CHROMIUM = Deno.env.get("CHROMIUM_BIN") ?? "/usr/bin/chromium";

/** Where to save a screenshot of the page, to look at it; none unless set. */
const SCREENSHOT = Deno.env.get("DROVER_DOCS_SCREENSHOT");

Deno.test("the /api/docs page lists every operation, shows inline code, and sends requests with the token", async (t) => {
  const exists = await Deno.stat(CHROMIUM).then(() => true, () => false);
  assert.ok(
    exists,
    `No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) ` +
      "or set CHROMIUM_BIN",
  );
  const dir = await Deno.makeTempDir({ prefix: "drover-docs-" });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in a container has no user namespace for chromium's sandbox.
    args: Deno.uid() === 0 ? ["--no-sandbox"] : [],
  });
  try {
    await using hub = await spawnHub({ dbUrl: await testDbUrl(dir) });
    const viewer = await hub.api.request<{ token: string }>("/api/tokens", {
      body: { role: "viewer", name: "auditor" },
    });
    assert.equal(viewer.status, 201);
    await createWorkerToken(hub.api); // something for the token list to show
    const doc = await hub.api.request<{ paths: Record<string, Record<string, unknown>> }>(
      "/api/openapi.json",
      { token: null },
    );
    const operations = Object.entries(doc.body.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));

    const page = await browser.newPage();
    await page.goto(`${hub.url}/api/docs`);
    await page.waitForSelector("details.op");
    const listed = await page.$$eval("details.op", (els) => els.map((e) => e.dataset.op));
    assert.deepEqual([...listed].sort(), [...operations].sort());
    assert.match(await page.title(), /Drover hub API/);
    const roles = await page.textContent('details.op[data-op="DELETE /api/tokens/{id}"] .roles');
    assert.equal(roles, "admin");

    // Descriptions' inline code is <code>, not backticks: the intro's and every operation's.
    const intro = page.locator("main > p.intro");
    assert.equal(await intro.count(), 1);
    assert.deepEqual(await intro.locator("code").allTextContents(), [
      "Authorization: Bearer drv_…",
      "application/problem+json",
      "code",
    ]);
    const prose = await page.$$eval(
      "main > p, details.op summary, details.op .body > p, details.op td, details.op h4",
      (els) => els.map((e) => e.textContent ?? ""),
    );
    assert.deepEqual(prose.filter((t) => t.includes("`")), [], "no literal backtick in prose");
    const runs = page.locator('details.op[data-op="GET /api/runs"]');
    await runs.locator("summary").click();
    assert.deepEqual(await runs.locator(".body > p").allTextContents(), [
      "Newest first. A page with more runs after it has a next cursor: pass it back as cursor.",
      "Roles: admin, operator, viewer.",
    ]);
    assert.deepEqual(await runs.locator(".body > p code").allTextContents(), ["next", "cursor"]);
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: false });
    await runs.locator("summary").click();

    // Without a token the hub says 401, and the page shows it.
    const tokens = page.locator('details.op[data-op="GET /api/tokens"]');
    await tokens.locator("summary").click();
    await tokens.locator("button", { hasText: "Send" }).click();
    await page.locator('details.op[data-op="GET /api/tokens"] pre.result', { hasText: /^401/ })
      .waitFor();

    // With the viewer's token: the list arrives, and a change is refused.
    await page.fill("#token", viewer.body.token);
    await tokens.locator("button", { hasText: "Send" }).click();
    await page.locator('details.op[data-op="GET /api/tokens"] pre.result', { hasText: /^200/ })
      .waitFor();
    const listing = await tokens.locator("pre.result").textContent();
    assert.match(listing ?? "", /"role": "worker"/);
    assert.doesNotMatch(listing ?? "", /drv_tok_/, "no secret is ever listed");

    const create = page.locator('details.op[data-op="POST /api/tokens"]');
    await create.locator("summary").click();
    await create.locator("textarea").fill('{"role":"admin"}');
    await create.locator("button", { hasText: "Send" }).click();
    await page.locator('details.op[data-op="POST /api/tokens"] pre.result', { hasText: /^403/ })
      .waitFor();
    assert.match(await create.locator("pre.result").textContent() ?? "", /"code": "forbidden"/);

    // The token stays in this tab's session storage, never in local storage.
    const stored = await page.evaluate(() => [
      sessionStorage.getItem("droverToken"),
      localStorage.length,
    ]);
    assert.deepEqual(stored, [viewer.body.token, 0]);

    await t.step("a description is shown as text, never run as HTML", async () => {
      const hostile = '<script>window.ran = 1</script><img src=x onerror="window.ran = 2">';
      const forged = structuredClone(doc.body) as typeof doc.body & {
        info: { description: string };
      };
      forged.info.description = `Beware ${hostile} and \`<b>bold</b>\`.`;
      (forged.paths["/api/runs"]!.get as { description: string }).description = hostile;
      const other = await browser.newPage();
      await other.route("**/api/openapi.json", (route) => route.fulfill({ json: forged }));
      await other.goto(`${hub.url}/api/docs`);
      await other.waitForSelector("details.op");
      const shown = other.locator("main > p.intro");
      assert.equal(await shown.textContent(), `Beware ${hostile} and <b>bold</b>.`);
      assert.equal(await shown.locator("code").textContent(), "<b>bold</b>");
      assert.equal(await other.locator("main script, main img, main b").count(), 0);
      const runsOp = other.locator('details.op[data-op="GET /api/runs"] .body > p');
      assert.equal(await runsOp.first().textContent(), hostile);
      assert.equal(await other.evaluate(() => (globalThis as { ran?: number }).ran), undefined);
      await other.close();
    });
  } finally {
    await browser.close();
    await removeTree(dir);
  }
});
