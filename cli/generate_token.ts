/**
 * Mints a token string offline, in the hub's format
 * `drv_tok_<12 lowercase hex>_<43 base64url characters of 32 random bytes>`,
 * to preset `DROVER_ADMIN_TOKEN` before the hub first starts.
 */

/** The shape every Drover token has. */
export const TOKEN_PATTERN = /^drv_tok_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

/** A fresh random token; `random` fills a buffer with random bytes (injected in tests). */
export function generateToken(
  random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const id = random(new Uint8Array(6));
  const secret = random(new Uint8Array(32));
  const hex = [...id].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `drv_tok_${hex}_${base64url(secret)}`;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
