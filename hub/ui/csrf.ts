/**
 * CSRF: a cookie session or SSO headers travel with any request the
 * browser makes, forged ones included. So a mutating request authenticated
 * by them must carry `X-Drover-CSRF` equal to the principal's csrf token
 * (which a page of another site cannot read), and an `Origin`, when sent,
 * must be the hub's own. Bearer tokens are never ambient and need neither.
 * SSO users' tokens are an HMAC of the user under a key the hubs share.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import type { HubCore } from "../core/hub_core.ts";
import { RequestError } from "../core/request_error.ts";
import type { Principal } from "../http/principal.ts";
import { ensureHubSecret } from "../ops/ensure_hub_secret.ts";
import { hubSecret } from "../queries/hub_secret.ts";
import { requestOrigin } from "./request_origin.ts";
import type { SsoAccess } from "./sso.ts";

/** The header mutating requests carry. */
export const CSRF_HEADER = "X-Drover-CSRF";

/** The `hub_secrets` row keying SSO users' csrf tokens. */
export const UI_CSRF_KEY = "ui_csrf";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Refuses (403 `csrf`) a mutating request by a session or SSO principal without proof. */
export function checkCsrf(c: Context, principal: Principal, access: SsoAccess | undefined): void {
  if (SAFE.has(c.req.method) || principal.via === "bearer") return;
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== requestOrigin(c, access)) {
    throw new RequestError(
      403,
      "csrf",
      `Refused a request from another site (Origin "${origin}" is not this hub's)`,
    );
  }
  const sent = c.req.header(CSRF_HEADER) ?? "";
  if (!principal.csrf || !sameText(sent, principal.csrf)) {
    throw new RequestError(
      403,
      "csrf",
      `A signed-in browser request that changes something must carry the ${CSRF_HEADER} ` +
        "header of its page; reload the page and try again",
    );
  }
}

/** Whether a form post comes from this hub's own pages (Origin, else Referer). */
export function sameOriginForm(c: Context, access: SsoAccess | undefined): boolean {
  const own = requestOrigin(c, access);
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin === own;
  const referer = c.req.header("referer");
  return referer !== undefined && URL.canParse(referer) && new URL(referer).origin === own;
}

/** The csrf token of SSO user `user`: an HMAC under the database's shared key. */
export async function ssoCsrf(core: HubCore, user: string): Promise<string> {
  // Hubs make the key as they start; one made since (a test app) is made here, once.
  const key = await core.read((db) => hubSecret(db, UI_CSRF_KEY)) ??
    await core.queue.write((tx) => ensureHubSecret(tx, UI_CSRF_KEY, core.now()));
  return createHmac("sha256", key).update(`sso:${user}`).digest("base64url");
}

function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
