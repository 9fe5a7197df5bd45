/**
 * Signing in and out. `/ui/login` takes a token (admin, operator or viewer)
 * and starts a session; `/ui/logout` ends it. Both refuse form posts from
 * other sites (Origin), and sign-out needs the page's csrf token too.
 */

import { getCookie } from "hono/cookie";
import type { FC } from "hono/jsx";
import { z } from "zod";
import { findToken } from "../queries/tokens.ts";
import { sameOriginForm } from "./csrf.ts";
import { htmlPage } from "./html_page.ts";
import { Layout } from "./layout.tsx";
import { safeNext } from "./safe_next.ts";
import { endSession, SESSION_COOKIE, sessionPrincipal, startSession } from "./session.ts";
import type { UiApp, UiDeps } from "./ui_deps.ts";

const loginForm = z.object({
  token: z.string().trim().max(200).default(""),
  next: z.string().max(2_000).optional(),
});

const SIGN_IN_ROLES = new Set(["admin", "operator", "viewer"]);

/** Mounts `/ui/login` and `/ui/logout`. */
export function loginRoutes(app: UiApp, deps: UiDeps): void {
  const { core } = deps;

  app.get("/ui/login", async (c) => {
    c.header("cache-control", "no-store");
    const next = safeNext(c.req.query("next"));
    if (await sessionPrincipal(c, core)) return c.redirect(next, 303);
    return htmlPage(c, <LoginPage deps={deps} next={next} />);
  });

  app.post("/ui/login", async (c) => {
    c.header("cache-control", "no-store");
    const form = loginForm.safeParse(await c.req.parseBody().catch(() => ({})));
    const next = safeNext(form.success ? form.data.next : undefined);
    if (!sameOriginForm(c, deps.access)) {
      return htmlPage(
        c,
        <LoginPage
          deps={deps}
          next={next}
          error="Refused a sign-in form posted from another site."
        />,
        403,
      );
    }
    const text = form.success ? form.data.token : "";
    const token = text ? await core.read((db) => findToken(db, text)) : undefined;
    if (!token || !SIGN_IN_ROLES.has(token.role)) {
      const error = !text
        ? "Paste a token to sign in."
        : token
        ? `A ${token.role} token cannot sign in to the UI: use an admin, operator or viewer token.`
        : "That token is unknown or revoked.";
      return htmlPage(c, <LoginPage deps={deps} next={next} error={error} />, 401);
    }
    await startSession(c, core, token, deps.access.config.sessionTtlMs, deps.access);
    deps.log.info("ui sign-in", { tokenId: token.id, role: token.role });
    return c.redirect(next, 303);
  });

  app.post("/ui/logout", async (c) => {
    const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
    const session = getCookie(c, SESSION_COOKIE) ? await sessionPrincipal(c, core) : null;
    if (session) {
      if (!sameOriginForm(c, deps.access) || form.csrf !== session.csrf) {
        return c.text("Refused: sign out from the hub's own page", 403);
      }
      deps.log.info("ui sign-out", { tokenId: session.id });
    }
    await endSession(c, core);
    return c.redirect("/ui/login", 303);
  });
}

const LoginPage: FC<{ deps: UiDeps; next: string; error?: string }> = async (
  { deps, next, error },
) => (
  <Layout title="Sign in" principal={null} assets={await deps.assets()}>
    <section class="login">
      <h1>Sign in to Drover</h1>
      <p class="muted">
        Paste an admin, operator or viewer token (<code>drv_tok_…</code>). The hub keeps a session
        for you; the token itself is not stored in the browser.
      </p>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <form method="post" action="/ui/login" class="stack">
        <input type="hidden" name="next" value={next} />
        <label>
          Token
          <input
            type="password"
            name="token"
            autocomplete="off"
            spellcheck={false}
            required
            autofocus
          />
        </label>
        <button type="submit" class="btn primary">Sign in</button>
      </form>
    </section>
  </Layout>
);
