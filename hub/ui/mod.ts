/**
 * The web UI: server-rendered pages under `/ui` (hono/jsx, escaped by
 * construction), a little bundled client code, sign-in with a token or SSO
 * through a trusted proxy. Every action is a call to the same `/api` routes.
 */

import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "../../shared/log.ts";
import type { HubCore } from "../core/hub_core.ts";
import { assetLoader, assetRoutes } from "./assets.ts";
import { loginRoutes } from "./login_routes.tsx";
import { auditPage } from "./pages/audit_page.tsx";
import { backfillsPage } from "./pages/backfills_page.tsx";
import { schedulesPage } from "./pages/schedules_page.tsx";
import { familiesPage } from "./pages/families_page.tsx";
import { queuePage } from "./pages/queue_page.tsx";
import { runPage } from "./pages/run_page.tsx";
import { runsPage } from "./pages/runs_page.tsx";
import { taskPage } from "./pages/task_page.tsx";
import { tokensPage } from "./pages/tokens_page.tsx";
import { workersPage } from "./pages/workers_page.tsx";
import { HOME } from "./safe_next.ts";
import type { SsoAccess } from "./sso.ts";
import type { UiConfig } from "../config.ts";
import type { UiApp, UiDeps } from "./ui_deps.ts";

/** The Content-Security-Policy of every UI response: no inline script or style, no eval. */
export const UI_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/** Mounts the UI on `app`: `/` → `/ui/runs`, and everything under `/ui`. */
export function uiRoutes(
  app: UiApp,
  deps: { core: HubCore; log: Logger; access: SsoAccess & { config: UiConfig } },
): void {
  const ui: UiDeps = { ...deps, assets: assetLoader() };
  const headers = secureHeaders({
    contentSecurityPolicy: UI_CSP,
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
  });
  app.use("/ui/*", headers);
  app.use("/ui", headers);
  app.get("/", (c) => c.redirect(HOME, 302));
  app.get("/ui", (c) => c.redirect(HOME, 302));
  assetRoutes(app, ui.assets);
  loginRoutes(app, ui);
  runsPage(app, ui);
  runPage(app, ui);
  taskPage(app, ui);
  workersPage(app, ui);
  queuePage(app, ui);
  familiesPage(app, ui);
  backfillsPage(app, ui);
  schedulesPage(app, ui);
  auditPage(app, ui);
  tokensPage(app, ui);
}
