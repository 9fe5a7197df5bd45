/**
 * The page shell: head (no inline script or style: CSP), the top navigation
 * with only the pages the role may read, who is signed in, and the csrf
 * token the client code sends with every change.
 */
import type { Child, FC } from "hono/jsx";
import type { Principal } from "../http/principal.ts";
import { type Assets, assetUrl } from "./assets.ts";
import { navFor } from "./nav.ts";

/** What the shell needs besides the page's content. */
export interface ShellProps {
  title: string;
  /** The nav key of the page (highlighted). */
  active?: string;
  /** Null on the sign-in page. */
  principal: Principal | null;
  assets: Assets;
  children?: Child;
}

/** A whole HTML page. */
export const Layout: FC<ShellProps> = ({ title, active, principal, assets, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="drover-csrf" content={principal?.csrf ?? ""} />
      <meta name="drover-role" content={principal?.role ?? ""} />
      <title>{`${title} · Drover`}</title>
      <link rel="stylesheet" href={assetUrl(assets, "app.css")} />
      <link rel="stylesheet" href={assetUrl(assets, "graph.css")} />
      <link rel="stylesheet" href={assetUrl(assets, "run_pages.css")} />
      <link rel="stylesheet" href={assetUrl(assets, "state_counts.css")} />
      <link rel="stylesheet" href={assetUrl(assets, "run_form.css")} />
      <link rel="stylesheet" href={assetUrl(assets, "task_log.css")} />
      <link rel="icon" href="data:," />
      <script type="module" src={assetUrl(assets, "app.js")}></script>
    </head>
    <body>
      <header class="topbar">
        <a class="brand" href="/ui/runs">Drover</a>
        {principal
          ? (
            <nav class="nav">
              {navFor(principal.role).map((item) => (
                <a
                  key={item.key}
                  href={item.href}
                  class={item.key === active ? "active" : undefined}
                >
                  {item.label}
                </a>
              ))}
            </nav>
          )
          : null}
        {principal ? <Who principal={principal} /> : null}
      </header>
      <main class="page">{children}</main>
      <div id="notice" class="notice" role="status" aria-live="polite" hidden></div>
    </body>
  </html>
);

const Who: FC<{ principal: Principal }> = ({ principal }) => (
  <div class="who">
    <span class="who-name" title={principal.id}>{principal.name}</span>
    <span class={`badge role role-${principal.role}`}>{principal.role}</span>
    {principal.kind === "sso" ? <span class="muted small">via SSO</span> : null}
    {principal.via === "session"
      ? (
        <form method="post" action="/ui/logout" class="inline">
          <input type="hidden" name="csrf" value={principal.csrf ?? ""} />
          <button type="submit" class="link">Sign out</button>
        </form>
      )
      : null}
  </div>
);

/** A page's heading row: title, a line under it, and controls on the right. */
export const PageHead: FC<{ title: string; sub?: Child; actions?: Child }> = (
  { title, sub, actions },
) => (
  <div class="page-head">
    <div>
      <h1>{title}</h1>
      {sub ? <p class="muted">{sub}</p> : null}
    </div>
    {actions ? <div class="page-actions">{actions}</div> : null}
  </div>
);
