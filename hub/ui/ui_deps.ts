/** What the web UI's routes need. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "../../shared/log.ts";
import type { UiConfig } from "../config.ts";
import type { HubCore } from "../core/hub_core.ts";
import type { Assets } from "./assets.ts";
import type { SsoAccess } from "./sso.ts";

/** The UI's dependencies. */
export interface UiDeps {
  core: HubCore;
  log: Logger;
  access: SsoAccess & { config: UiConfig };
  /** The assets, loaded once. */
  assets: () => Promise<Assets>;
}

/** The app the UI mounts on (the hub's). */
export type UiApp = OpenAPIHono;
