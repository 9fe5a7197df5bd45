/**
 * How a UI page is mounted: authenticate (a session, SSO, or a bearer),
 * check the role, render the page in the shell. Without a credential the
 * browser is sent to sign in and brought back; a refusal or a missing
 * thing is an error page, never a stack trace.
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { TokenRole } from "../../shared/api_schemas_admin.ts";
import { RequestError } from "../core/request_error.ts";
import { authenticate } from "../http/authenticate.ts";
import type { Principal } from "../http/principal.ts";
import { ErrorBody } from "./error_page.tsx";
import { htmlPage } from "./html_page.ts";
import { Layout } from "./layout.tsx";
import type { UiApp, UiDeps } from "./ui_deps.ts";

/** What a page's render function receives. */
export interface PageInput {
  c: Context;
  principal: Principal;
  /** The hub's clock, for relative times. */
  now: number;
  deps: UiDeps;
}

/** A rendered page: its title and content. */
export interface PageResult {
  title: string;
  body: Child;
}

/** A page's declaration. */
export interface PageSpec {
  /** Hono path, e.g. `/ui/workers` or `/ui/backfills/:id`. */
  path: string;
  /** The nav key highlighted. */
  nav: string;
  /** Roles that may read it. */
  allow: readonly TokenRole[];
}

/** Whether `role` may use a control that needs `allow` (the API decides anyway). */
export function may(principal: Principal, allow: readonly TokenRole[]): boolean {
  return allow.includes(principal.role);
}

/** Mounts a page. */
export function uiPage(
  app: UiApp,
  deps: UiDeps,
  spec: PageSpec,
  render: (input: PageInput) => Promise<PageResult> | PageResult,
): void {
  app.get(spec.path, async (c) => {
    c.header("cache-control", "no-store");
    let principal: Principal | null = null;
    try {
      principal = await authenticate(c, deps.core, deps.access);
      if (!may(principal, spec.allow)) {
        throw new RequestError(
          403,
          "forbidden",
          `A ${principal.role} cannot read this page: it needs ${spec.allow.join(" or ")}`,
        );
      }
      const page = await render({ c, principal, now: deps.core.now(), deps });
      const assets = await deps.assets();
      return await htmlPage(
        c,
        <Layout title={page.title} active={spec.nav} principal={principal} assets={assets}>
          {page.body}
        </Layout>,
      );
    } catch (error) {
      if (error instanceof RequestError && error.status === 401) {
        const url = new URL(c.req.url);
        return c.redirect(`/ui/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      }
      return await errorPage(c, deps, principal, error);
    }
  });
}

/** An error as a page in the shell, with the status it stands for. */
export async function errorPage(
  c: Context,
  deps: UiDeps,
  principal: Principal | null,
  error: unknown,
): Promise<Response> {
  const known = error instanceof RequestError;
  if (!known) deps.log.error("ui page failed", { path: c.req.path, error });
  const status = known ? error.status : 500;
  const message = known ? error.message : "Internal error; see the hub's log";
  const assets = await deps.assets();
  return await htmlPage(
    c,
    <Layout title={`Error ${status}`} principal={principal} assets={assets}>
      <ErrorBody status={status} message={message} />
    </Layout>,
    status,
  );
}
