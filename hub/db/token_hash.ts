/** Tokens are stored as their SHA-256 only: the secret is shown once and never kept. */
import { createHash } from "node:crypto";

/** The stored hash of a token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
