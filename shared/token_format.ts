/**
 * What a Drover token looks like: `drv_tok_<12 hex>_<43 base64url>`, 48 random
 * bits of id and 256 of secret, with a recognisable `drv_` prefix so secret
 * scanners find a leaked one. The hub, the CLI and the worker's
 * configuration all check and mint tokens with this one definition.
 *
 * @module
 */

/**
 * The shape of every token; the first group is its id (`tok_…`).
 *
 * @example
 * ```ts
 * import { TOKEN_PATTERN } from "./token_format.ts";
 * console.assert(!TOKEN_PATTERN.test("drv_tok_nothex"));
 * ```
 */
export const TOKEN_PATTERN = /^drv_(tok_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

/**
 * A fresh random token and its id; `random` fills a buffer with random bytes
 * (injected in tests).
 *
 * @example
 * ```ts
 * import { generateToken, TOKEN_PATTERN } from "./token_format.ts";
 * const { id, token } = generateToken();
 * console.assert(TOKEN_PATTERN.test(token) && token.startsWith(`drv_${id}_`));
 * ```
 */
export function generateToken(
  random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (b) => crypto.getRandomValues(b),
): { id: string; token: string } {
  const idBytes = random(new Uint8Array(6));
  const secret = random(new Uint8Array(32));
  const id = `tok_${[...idBytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  return { id, token: `drv_${id}_${base64url(secret)}` };
}

/**
 * The id of a well-formed token, or undefined.
 *
 * @example
 * ```ts
 * import { generateToken, tokenIdOf } from "./token_format.ts";
 * const { id, token } = generateToken();
 * console.assert(tokenIdOf(token) === id && tokenIdOf("nope") === undefined);
 * ```
 */
export function tokenIdOf(token: string): string | undefined {
  return TOKEN_PATTERN.exec(token)?.[1];
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
