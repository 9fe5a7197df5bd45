/**
 * Web UI sessions: signing in with a token makes a session whose random id
 * is the `drover_session` cookie (HttpOnly, SameSite=Strict, Path=/, Secure
 * over https); the database keeps only the id's SHA-256. A session ends on
 * sign-out, at its expiry, or when its token is revoked.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { TokenInfo } from "../../shared/api_schemas_admin.ts";
import type { HubCore } from "../core/hub_core.ts";
import { randomSecret } from "../db/random_secret.ts";
import { hashToken } from "../db/token_hash.ts";
import { type Principal, tokenPrincipal } from "../http/principal.ts";
import { createUiSession } from "../ops/create_ui_session.ts";
import { endUiSession } from "../ops/end_ui_session.ts";
import { findUiSession } from "../queries/ui_session.ts";
import { isHttps } from "./request_origin.ts";
import type { SsoAccess } from "./sso.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "drover_session";

/** The principal of the request's session cookie, or null when it has no live session. */
export async function sessionPrincipal(c: Context, core: HubCore): Promise<Principal | null> {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id || id.length > 100) return null;
  const session = await core.read((db) => findUiSession(db, hashToken(id), core.now()));
  if (!session) return null;
  core.tokenUses.note(session.token.id, session.token.lastUsedAt, core.now());
  return tokenPrincipal(session.token, "session", session.csrf);
}

/** Signs `token` in: stores a session and sets its cookie. */
export async function startSession(
  c: Context,
  core: HubCore,
  token: TokenInfo,
  ttlMs: number,
  access: SsoAccess | undefined,
): Promise<void> {
  const id = randomSecret();
  const now = core.now();
  await core.queue.write((tx) =>
    createUiSession(tx, {
      idHash: hashToken(id),
      tokenId: token.id,
      csrf: randomSecret(),
      now,
      expiresAt: now + ttlMs,
    })
  );
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: isHttps(c, access),
    maxAge: Math.floor(ttlMs / 1000),
  });
}

/** Signs out: the session row goes and the cookie is cleared. */
export async function endSession(c: Context, core: HubCore): Promise<void> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id) await core.queue.write((tx) => endUiSession(tx, hashToken(id)));
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}
