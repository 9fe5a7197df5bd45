/** Random secrets (session ids, csrf tokens, keys) as base64url text. */

/** `bytes` random bytes as base64url without padding; 32 bytes (256 bits) by default. */
export function randomSecret(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}
