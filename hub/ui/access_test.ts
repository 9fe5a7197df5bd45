import assert from "node:assert/strict";
import { loadHubConfig } from "../config.ts";
import { testApp } from "../test_app.ts";
import { signIn } from "./test_sign_in.ts";

const ui = loadHubConfig({
  DROVER_UI_TRUSTED_PROXIES: "10.0.0.0/8",
  DROVER_UI_GROUP_ROLES: "admins=admin,data-eng=operator,auditors=viewer",
}).ui;
const PEER = { current: "127.0.0.1" };
const options = { ui, peerAddress: () => PEER.current };

Deno.test("signing in with a token sets an HttpOnly SameSite=Strict cookie that opens pages and the API", async () => {
  await using t = await testApp([], options);
  const viewer = await t.token("viewer");
  const s = await signIn(t.raw, viewer, "/ui/workers?region=eu");
  assert.equal(s.location, "/ui/workers?region=eu");
  assert.match(
    s.setCookie,
    /^drover_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
  );
  const page = await t.raw.request("/ui/runs", { headers: { cookie: s.cookie } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<meta name="drover-csrf" content="[\w-]{43}"/);
  const api = await t.raw.request("/api/runs", { headers: { cookie: s.cookie } });
  assert.equal(api.status, 200);
});

Deno.test("a session cookie is Secure when the request came over https", async () => {
  await using t = await testApp([], options);
  const s = await signIn(t.raw, t.adminToken, "/ui/runs", "https://hub.example");
  assert.match(s.setCookie, /; Secure/);
});

Deno.test("a wrong token, or a worker token, does not sign in", async () => {
  await using t = await testApp([], options);
  for (const token of ["drv_tok_000000000000_" + "a".repeat(43), await t.token("worker")]) {
    const r = await t.raw.request("/ui/login", {
      method: "POST",
      headers: { origin: "http://localhost", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }),
    });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("set-cookie"), null);
  }
});

Deno.test("a page without a session redirects to sign in, keeping only a same-site next", async () => {
  await using t = await testApp([], options);
  const r = await t.raw.request("/ui/runs?state=failed");
  assert.equal(r.status, 303);
  assert.equal(r.headers.get("location"), "/ui/login?next=%2Fui%2Fruns%3Fstate%3Dfailed");
  const s = await signIn(t.raw, t.adminToken, "//evil.example/x");
  assert.equal(s.location, "/ui/runs");
});

Deno.test("sign-out, expiry and revocation each end a session", async (t0) => {
  await using t = await testApp([], options);
  await t0.step("sign-out", async () => {
    const s = await signIn(t.raw, t.adminToken);
    const out = await t.raw.request("/ui/logout", {
      method: "POST",
      headers: {
        cookie: s.cookie,
        origin: "http://localhost",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ csrf: s.csrf }),
    });
    assert.equal(out.status, 303);
    assert.equal((await t.raw.request("/api/runs", { headers: { cookie: s.cookie } })).status, 401);
  });
  await t0.step("revocation", async () => {
    const operator = await t.token("operator");
    const s = await signIn(t.raw, operator);
    const [info] = (await (await t.app.request("/api/tokens")).json()).tokens;
    assert.equal((await t.app.request(`/api/tokens/${info.id}`, { method: "DELETE" })).status, 200);
    assert.equal((await t.raw.request("/api/runs", { headers: { cookie: s.cookie } })).status, 401);
  });
});

Deno.test("sessions expire after DROVER_UI_SESSION_TTL", async () => {
  let now = 1_000_000;
  const short = { ...ui, sessionTtlMs: 60_000 };
  await using t = await testApp([], { ui: short, peerAddress: () => "127.0.0.1" });
  (t.core as { now: () => number }).now = () => now;
  const s = await signIn(t.raw, t.adminToken);
  assert.equal((await t.raw.request("/api/runs", { headers: { cookie: s.cookie } })).status, 200);
  now += 60_001;
  assert.equal((await t.raw.request("/api/runs", { headers: { cookie: s.cookie } })).status, 401);
});

Deno.test("a cookie-authenticated change needs the page's csrf token and a same-origin Origin", async () => {
  await using t = await testApp([], options);
  const s = await signIn(t.raw, t.adminToken);
  const put = (headers: Record<string, string>) =>
    t.raw.request("/api/pauses/region/eu", {
      method: "PUT",
      headers: { cookie: s.cookie, "content-type": "application/json", ...headers },
      body: "{}",
    });
  const missing = await put({});
  assert.equal(missing.status, 403);
  assert.equal((await missing.json()).code, "csrf");
  const foreign = await put({ "x-drover-csrf": s.csrf, origin: "http://evil.example" });
  assert.equal((await foreign.json()).code, "csrf");
  assert.equal((await put({ "x-drover-csrf": s.csrf, origin: "http://localhost" })).status, 200);
  // A bearer needs none: it is never sent by the browser on its own.
  const bearer = await t.app.request("/api/pauses/region/us", {
    method: "PUT",
    body: "{}",
    headers: { "content-type": "application/json" },
  });
  assert.equal(bearer.status, 200);
  const audit = (await (await t.app.request("/api/audit?action=pause.set")).json()).entries;
  assert.ok(audit.some((e: { detail: { code?: string } }) => e.detail.code === "csrf"));
});

Deno.test("SSO headers from a trusted proxy sign a user in with their highest role; from elsewhere they are ignored", async () => {
  await using t = await testApp([], options);
  const headers = { "x-forwarded-user": "alice", "x-forwarded-groups": "auditors, data-eng" };
  PEER.current = "10.1.2.3";
  const page = await t.raw.request("/ui/runs", { headers });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /alice/);
  assert.match(html, /role-operator/);
  const csrf = /name="drover-csrf" content="([^"]+)"/.exec(html)![1]!;
  const paused = await t.raw.request("/api/pauses/family/X", {
    method: "PUT",
    headers: { ...headers, "x-drover-csrf": csrf, "content-type": "application/json" },
    body: '{"reason":"sso"}',
  });
  assert.equal(paused.status, 200);
  const [entry] = (await (await t.app.request("/api/audit?action=pause.set")).json()).entries;
  assert.equal(entry.tokenId, "sso:alice");
  assert.equal(entry.actor, "alice");
  assert.equal(entry.role, "operator");
  const nobody = await t.raw.request("/api/runs", {
    headers: { "x-forwarded-user": "bob", "x-forwarded-groups": "guests" },
  });
  assert.equal(nobody.status, 403);

  PEER.current = "192.168.0.9";
  const untrusted = await t.raw.request("/api/runs", { headers });
  assert.equal(untrusted.status, 401);
  assert.equal((await t.raw.request("/ui/runs", { headers })).status, 303);
});

Deno.test("UI responses carry a strict CSP and the security headers", async () => {
  await using t = await testApp([], options);
  for (const path of ["/ui/login", "/ui/runs"]) {
    const r = await t.app.request(path);
    const csp = r.headers.get("content-security-policy") ?? "";
    for (
      const d of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
      ]
    ) assert.ok(csp.includes(d), `${path}: ${d} in ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    assert.equal(r.headers.get("referrer-policy"), "same-origin");
    const html = await r.text();
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]|style="/, "no inline script or style");
  }
  const root = await t.app.request("/");
  assert.equal(root.headers.get("location"), "/ui/runs");
});
