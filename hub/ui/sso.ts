/**
 * SSO through an authenticating reverse proxy (oauth2-proxy style): the
 * proxy signs the user in and passes their name and groups in headers.
 * Those headers are believed only when the TCP peer is a configured proxy;
 * from any other address anyone could send them, so they are ignored.
 */
import type { Context } from "hono";
import { getConnInfo } from "hono/deno";
import type { TokenRole } from "../../shared/api_schemas_admin.ts";
import type { UiConfig } from "../config.ts";
import { RequestError } from "../core/request_error.ts";
import { type AddressRange, inRanges } from "./address_range.ts";

/** What the SSO check needs: the settings, and how to learn the peer's address. */
export interface SsoAccess {
  config: UiConfig;
  /** The TCP peer's address; default `getConnInfo` (tests inject one). */
  peerAddress?: (c: Context) => string | null;
}

/** A user the proxy vouches for. */
export interface SsoUser {
  user: string;
  role: TokenRole;
}

const RANK: readonly TokenRole[] = ["viewer", "operator", "admin"];

/** The peer's address from Deno's connection info; null when there is none (`app.request`). */
export function connPeerAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/** Whether the request comes straight from a trusted proxy. */
export function fromTrustedProxy(c: Context, access: SsoAccess | undefined): boolean {
  const ranges: readonly AddressRange[] = access?.config.trustedProxies ?? [];
  if (ranges.length === 0) return false;
  const peer = (access?.peerAddress ?? connPeerAddress)(c);
  return peer !== null && inRanges(peer, ranges);
}

/**
 * The SSO user of a request, or null when it comes from an untrusted
 * address or carries no user header. A trusted user with no group mapped
 * to a role is refused (403): the proxy let them in, the hub does not.
 */
export function ssoUser(c: Context, access: SsoAccess | undefined): SsoUser | null {
  if (!access || !fromTrustedProxy(c, access)) return null;
  const user = c.req.header(access.config.userHeader)?.trim();
  if (!user) return null;
  if (user.length > 200 || [...user].some((ch) => ch < " ")) {
    throw new RequestError(403, "forbidden", "The SSO user header is not a user name");
  }
  const groups = (c.req.header(access.config.groupsHeader) ?? "").split(",")
    .map((g) => g.trim()).filter(Boolean);
  let best = -1;
  for (const g of groups) {
    const role = access.config.groupRoles[g];
    if (role) best = Math.max(best, RANK.indexOf(role));
  }
  if (best < 0) {
    throw new RequestError(
      403,
      "forbidden",
      `SSO user "${user}" is in no group that has a role here (groups: ${
        groups.join(", ") || "none"
      })`,
    );
  }
  return { user, role: RANK[best]! };
}
