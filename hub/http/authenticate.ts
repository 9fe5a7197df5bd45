/** Bearer-token authentication for the admin API. */
import type { Context } from "hono";
import type { TokenInfo } from "../../shared/api_schemas_admin.ts";
import type { HubCore } from "../core/hub_core.ts";
import { RequestError } from "../core/request_error.ts";
import { findToken } from "../queries/tokens.ts";

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
 * The live token a request carries. Throws a 401 when it carries none, or
 * one that is unknown or revoked. The use is noted, and written later by
 * a timer: authenticating writes nothing.
 */
export async function authenticate(c: Context, core: HubCore): Promise<TokenInfo> {
  const bearer = bearerOf(c);
  if (!bearer) {
    throw new RequestError(
      401,
      "unauthorized",
      "A token is required: send Authorization: Bearer drv_…",
    );
  }
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
  return token;
}
