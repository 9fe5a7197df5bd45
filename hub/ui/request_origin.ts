/**
 * The origin a request was made to, as the browser saw it: its Host (or,
 * from a trusted proxy, `X-Forwarded-Host` and `X-Forwarded-Proto`).
 */
import type { Context } from "hono";
import { fromTrustedProxy, type SsoAccess } from "./sso.ts";

/** Whether the browser reached the hub over https. */
export function isHttps(c: Context, access: SsoAccess | undefined): boolean {
  if (fromTrustedProxy(c, access)) {
    const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
    if (proto) return proto === "https";
  }
  return new URL(c.req.url).protocol === "https:";
}

/** `scheme://host[:port]` of the request. */
export function requestOrigin(c: Context, access: SsoAccess | undefined): string {
  const url = new URL(c.req.url);
  const forwarded = fromTrustedProxy(c, access)
    ? c.req.header("x-forwarded-host")?.split(",")[0]?.trim()
    : undefined;
  const host = forwarded || c.req.header("host") || url.host;
  return `${isHttps(c, access) ? "https" : "http"}://${host}`;
}
