/**
 * Who makes a request: a token (sent as a bearer, or behind a web UI
 * session signed in with it), or a user an SSO proxy vouches for. Role
 * checks and the audit log see only this.
 */
import type { TokenInfo, TokenRole } from "../../shared/api_schemas_admin.ts";

/** How the request proved who it is. */
export type Credential = "bearer" | "session" | "sso";

/** The caller of a request. */
export interface Principal {
  kind: "token" | "sso";
  /** `tok_…`, or `sso:<user>`. */
  id: string;
  /** The token's name, or the SSO user. */
  name: string;
  role: TokenRole;
  via: Credential;
  /**
   * What a mutating request must carry in `X-Drover-CSRF` (session and
   * SSO: ambient credentials a forged request would carry too); null for bearers.
   */
  csrf: string | null;
}

/** A token as a principal. */
export function tokenPrincipal(
  token: TokenInfo,
  via: "bearer" | "session",
  csrf: string | null,
): Principal {
  return { kind: "token", id: token.id, name: token.name, role: token.role, via, csrf };
}
