/**
 * Authentication for the admin API and the web UI. A request proves who it
 * is by one of: a bearer token (scripts, the CLI); SSO headers from a
 * trusted proxy; a web UI session cookie. A request with an Authorization
 * header is judged by it alone.
 */
import type { Context } from "hono";
import type { HubCore } from "../core/hub_core.ts";
import { RequestError } from "../core/request_error.ts";
import { findToken } from "../queries/tokens.ts";
import { ssoCsrf } from "../ui/csrf.ts";
import { sessionPrincipal } from "../ui/session.ts";
import { type SsoAccess, ssoUser } from "../ui/sso.ts";
import { type Principal, tokenPrincipal } from "./principal.ts";

export type { Principal };

/** The bearer token of a request, or null when there is none; a 401 when the header is malformed. */
export function bearerOf(c: Context): string | null {
  const header = c.req.header("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new RequestError(
      401,
      "unauthorized",
      'The Authorization header must be "Bearer <token>"',
    );
  }
  return match[1]!;
}

/**
 * Who makes the request. Throws a 401 when it proves nobody (no credential,
 * or a token that is unknown or revoked, or a session that ended), and a
 * 403 for an SSO user whose groups have no role. A token's use is noted,
 * and written later by a timer: authenticating writes nothing.
 */
export async function authenticate(
  c: Context,
  core: HubCore,
  access?: SsoAccess,
): Promise<Principal> {
  const bearer = bearerOf(c);
  if (bearer) {
    const token = await core.read((db) => findToken(db, bearer));
    if (!token) {
      throw new RequestError(
        401,
        "unauthorized",
        bearer.startsWith("drv_")
          ? "The token is unknown or revoked"
          : "The token is not a Drover token (they start with drv_)",
      );
    }
    core.tokenUses.note(token.id, token.lastUsedAt, core.now());
    return tokenPrincipal(token, "bearer", null);
  }
  const sso = ssoUser(c, access);
  if (sso) {
    return {
      kind: "sso",
      id: `sso:${sso.user}`,
      name: sso.user,
      role: sso.role,
      via: "sso",
      csrf: await ssoCsrf(core, sso.user),
    };
  }
  const session = await sessionPrincipal(c, core);
  if (session) return session;
  throw new RequestError(
    401,
    "unauthorized",
    "A token is required: send Authorization: Bearer drv_…",
  );
}
