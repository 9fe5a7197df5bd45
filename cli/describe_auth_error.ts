/** The one line `drover` prints when the hub refuses its token. */
import type { HubAuthError } from "./errors.ts";

/**
 * `the hub refused the token from DROVER_TOKEN (401 unauthorized): <detail>`,
 * with a hint to set a token when none was sent.
 */
export function describeAuthError(error: HubAuthError): string {
  const from = error.tokenSource === null ? "" : ` from ${error.tokenSource}`;
  const what = error.status === 401
    ? error.tokenSource === null ? "the hub requires a token" : `the hub refused the token${from}`
    : `the hub does not let the token${from} do this`;
  const status = `${error.status} ${error.code}`;
  const hint = error.tokenSource === null
    ? "; set DROVER_TOKEN or pass --token (an admin makes one with: drover token create --role operator)"
    : "";
  return `${what} (${status}): ${error.message}${hint}`;
}
