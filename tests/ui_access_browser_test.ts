/**
 * The web UI's access and safety in a real browser (Debian's chromium via
 * playwright-core) against a real hub and workers: signing in with a token,
 * draining a worker from the workers page, a viewer who sees no control and
 * whose forged request is refused and audited, SSO through an allowed proxy,
 * and hostile strings everywhere that never run. Screenshots of each page go
 * to docs/ui/.
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
  ssoProxy,
  trappedPage,
} from "./fixtures/ui_browser.ts";
import { JS_URL, XSS } from "./fixtures/ui_worker.ts";
import { removeTree } from "../testing/remove_tree.ts";
import { testDbUrl } from "../testing/postgres.ts";

const PAGES = [
  ["workers", "/ui/workers"],
  ["queue", "/ui/queue"],
  ["families", "/ui/families"],
  ["family", "/ui/families/ExtractRaw"],
  ["backfills", "/ui/backfills"],
  ["audit", "/ui/audit"],
  ["tokens", "/ui/tokens"],
] as const;

Deno.test("the web UI: sign-in, drain, a read-only viewer, SSO, and no XSS anywhere", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-ui-" });
  const browser = await launchChromium();
  try {
    await using hub = await spawnHub({
      dbUrl: await testDbUrl(dir),
      env: {
        DROVER_UI_TRUSTED_PROXIES: "127.0.0.1",
        DROVER_UI_GROUP_ROLES: "ops=operator,auditors=viewer",
      },
    });
    const entry = "tests/fixtures/ui_worker.ts";
    await using eu = await spawnWorker({
      hub,
      entry,
      name: "eu-1",
      labels: "region=eu-west",
      dataDir: `${dir}/eu`,
      stateDir: `${dir}/eu-state`,
    });
    await using evil = await spawnWorker({
      hub,
      entry,
      name: XSS,
      labels: `region=us-east,team=${XSS},docs=${JS_URL}`,
      dataDir: `${dir}/us`,
      stateDir: `${dir}/us-state`,
    });
    // Hostile records: a pause reason, a token name, and so audit details.
    const api = hub.api;
    assert.equal(
      (await api.request(`/api/pauses/family/Hostile`, {
        method: "PUT",
        body: { reason: XSS },
      })).status,
      200,
    );
    assert.equal(
      (await api.request("/api/tokens", { body: { role: "viewer", name: XSS } })).status,
      201,
    );
    assert.equal(
      (await api.request("/api/backfills", {
        body: { family: "ExtractRaw", from: "2026-11-01", to: "2026-11-03" },
      })).status,
      201,
    );
    // Work no worker can take: a region nobody serves.
    await api.request("/api/runs", {
      body: {
        family: "ExtractRaw",
        params: { runDate: "2026-10-01" },
        pin: { region: "ap-south" },
      },
    });
    // Work held back: a resource closed (limit 0), and a family paused.
    const closed = await api.request("/api/resources/warehouse", {
      method: "PUT",
      body: { limit: 0 },
    });
    assert.equal(closed.status, 200);
    for (const family of ["Warehouse", "Hostile"]) {
      const run = await api.request("/api/runs", {
        body: { family, params: { day: "2026-10-02" } },
      });
      assert.equal(run.status, 201, JSON.stringify(run.body));
    }

    const admin = await trappedPage(browser);
    await t.step("an admin signs in with a token and lands where they were going", async () => {
      await admin.page.goto(`${hub.url}/ui/workers`);
      await admin.page.waitForURL(/\/ui\/login\?next=%2Fui%2Fworkers/);
      await shoot(admin.page, "login");
      await signInWith(admin.page, hub.url, hub.adminToken, "/ui/workers");
      assert.equal(await admin.page.textContent(".who .role"), "admin");
      const cookies = await admin.page.context().cookies();
      const session = cookies.find((c) => c.name === "drover_session");
      assert.ok(session?.httpOnly && session.sameSite === "Strict");
    });

    await t.step("every page renders hostile data as text, and nothing runs", async () => {
      await pollUntil("the backfill to finish", async () => {
        const { backfills } = await api.get<{ backfills: Array<{ state: string }> }>(
          "/api/backfills",
        );
        return backfills[0]?.state === "running" ? undefined : true;
      });
      await pollUntil("three reasons on the queue", async () => {
        const { queues } = await api.get<{ queues: Array<{ unschedulable: string | null }> }>(
          "/api/queue",
        );
        return queues.filter((q) => q.unschedulable).length === 3 ? queues : undefined;
      });
      // The workers' own figures come with their first renewals.
      await pollUntil("both workers' figures on the workers page", async () => {
        await admin.page.goto(`${hub.url}/ui/workers`);
        return await admin.page.getByText(/MiB · loop delay/).count() >= 2 ? true : undefined;
      }, { timeoutMs: 30_000, everyMs: 500 });
      for (const [name, path] of PAGES) {
        await admin.page.goto(`${hub.url}${path}`);
        await admin.page.waitForSelector("main.page");
        await assertNoXss(admin.page, admin.dialogs, path);
        if (name === "queue") {
          const reasons = (await admin.page.textContent(".queue-table, main"))!;
          assert.match(reasons, /no connected worker running ExtractRaw matches region=ap-south/);
          assert.match(reasons, /it needs 1 of resource warehouse, more than its limit of 0/);
          assert.match(reasons, /family Hostile is paused/);
        }
        await shoot(admin.page, name);
      }
      const { backfills } = await api.get<{ backfills: Array<{ backfillId: string }> }>(
        "/api/backfills",
      );
      await admin.page.goto(`${hub.url}/ui/backfills/${backfills[0]!.backfillId}`);
      await shoot(admin.page, "backfill");
      await admin.page.goto(`${hub.url}/ui/families/Hostile`);
      assert.ok((await admin.page.textContent("main"))!.includes(XSS), "shown as text");
      await assertNoXss(admin.page, admin.dialogs, "/ui/families/Hostile");
      // The confirm dialog quotes the hostile worker's name as text too.
      await admin.page.goto(`${hub.url}/ui/workers`);
      await admin.page.locator("tr", { hasText: "w_" }).first().waitFor().catch(() => {});
      const row = admin.page.locator("tbody tr").filter({ hasText: "javascript:" });
      await row.locator("button", { hasText: "Cordon" }).click();
      const dialog = admin.page.locator("dialog.confirm");
      assert.ok((await dialog.textContent())!.includes(XSS));
      await assertNoXss(admin.page, admin.dialogs, "cordon dialog");
      await dialog.locator("button", { hasText: "Cancel" }).click();
      assert.deepEqual(admin.errors, [], "no CSP violation or script error");
    });

    await t.step("an admin drains a worker from the workers page", async () => {
      const row = admin.page.locator("tbody tr").filter({ hasText: "eu-1" });
      await row.locator("button", { hasText: "Drain" }).click();
      const dialog = admin.page.locator("dialog.confirm");
      assert.match((await dialog.textContent())!, /disconnect for good/);
      await shoot(admin.page, "drain_confirm");
      await dialog.locator("button", { hasText: "Drain" }).click();
      await admin.page.locator("#notice", { hasText: "eu-1 is draining" }).waitFor();
      await pollUntil("eu-1 to leave", () => (eu.exited ? true : undefined), { timeoutMs: 20_000 });
      await admin.page.locator("tbody tr", { hasText: "eu-1" }).locator(".state-disconnected")
        .waitFor({ timeout: 10_000 });
      const { entries } = await api.get<{ entries: Array<{ action: string; actor: string }> }>(
        "/api/audit?action=worker.drain",
      );
      assert.match(entries[0]?.actor ?? "", /^admin/);
    });

    await t.step(
      "a viewer sees no control, and a forged change is refused and audited",
      async () => {
        const viewerToken = (await api.request<{ token: string }>("/api/tokens", {
          body: { role: "viewer", name: "auditor" },
        })).body.token;
        const viewer = await trappedPage(browser);
        await signInWith(viewer.page, hub.url, viewerToken, "/ui/workers");
        for (const [, path] of PAGES) {
          await viewer.page.goto(`${hub.url}${path}`);
          const controls = await viewer.page.locator(
            "[data-action], form[data-api-form], button.danger",
          ).count();
          assert.equal(controls, 0, `${path}: a viewer sees a control`);
        }
        const csrf = await viewer.page.getAttribute('meta[name="drover-csrf"]', "content");
        const forged = await viewer.page.evaluate(async (csrf) => {
          const send = (headers: Record<string, string>) =>
            fetch("/api/workers/eu-1/cordon", { method: "POST", headers }).then(async (r) => [
              r.status,
              (await r.json()).code,
            ]);
          return [await send({ "X-Drover-CSRF": csrf ?? "" }), await send({})];
        }, csrf);
        assert.deepEqual(forged, [[403, "forbidden"], [403, "csrf"]]);
        const { entries } = await api.get<
          { entries: Array<{ actor: string; outcome: string; detail: { code?: string } }> }
        >("/api/audit?action=worker.cordon");
        const denied = entries.filter((e) => e.actor === "auditor");
        assert.deepEqual(denied.map((e) => [e.outcome, e.detail.code]), [
          ["denied", "csrf"],
          ["denied", "forbidden"],
        ]);
        await viewer.page.context().close();
      },
    );

    await t.step(
      "SSO headers from the allowed proxy sign a user in with their group's role",
      async () => {
        await using proxy = ssoProxy(hub.url, "carol", "ops,guests");
        const sso = await trappedPage(browser);
        await sso.page.goto(`${proxy.url}/ui/workers`);
        assert.equal(await sso.page.textContent(".who .who-name"), "carol");
        assert.equal(await sso.page.textContent(".who .role"), "operator");
        const row = sso.page.locator("tbody tr").filter({ hasText: "javascript:" });
        await row.locator("button", { hasText: "Cordon" }).click();
        await sso.page.locator("dialog.confirm button", { hasText: "Cordon" }).click();
        await sso.page.locator("#notice", { hasText: "cordoned" }).waitFor();
        await shoot(sso.page, "workers_sso");
        const { entries } = await api.get<
          { entries: Array<{ tokenId: string; actor: string; outcome: string }> }
        >("/api/audit?action=worker.cordon&actor=sso:carol");
        assert.deepEqual(entries.map((e) => [e.tokenId, e.actor, e.outcome]), [
          ["sso:carol", "carol", "ok"],
        ]);
        await assertNoXss(sso.page, sso.dialogs, "sso workers page");
        await sso.page.context().close();
      },
    );

    await t.step("signing out ends the session", async () => {
      await admin.page.goto(`${hub.url}/ui/queue`);
      await admin.page.click("text=Sign out");
      await admin.page.waitForURL(/\/ui\/login/);
      await admin.page.goto(`${hub.url}/ui/queue`);
      await admin.page.waitForURL(/\/ui\/login\?next=/);
      await admin.page.context().close();
    });
    void evil;
  } finally {
    await browser.close();
    await removeTree(dir);
  }
});
