/** Bearer-token authentication for the admin API. */
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { HttpError } from "./http_error.ts";
import type { Scheduler } from "../core/scheduler.ts";
import { findToken, type TokenInfo } from "../ops/tokens.ts";

/** How often a token's `lastUsedAt` is brought up to date, at most. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The bearer token of a request, or null when there is none. */
export function bearerOf(c: Context): string | null {
  const header = c.req.header("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new HttpError(
      401,
      "unauthorized",
      'The Authorization header must be "Bearer <token>"',
    );
  }
  return match[1]!;
}

/**
 * The live token a request carries. Throws a 401 when it carries none, or
 * one that is unknown or revoked.
 */
export async function authenticate(c: Context, scheduler: Scheduler): Promise<TokenInfo> {
  const bearer = bearerOf(c);
  if (!bearer) {
    throw new HttpError(
      401,
      "unauthorized",
      "A token is required: send Authorization: Bearer drv_…",
    );
  }
  const token = await scheduler.queue.read((db) => findToken(db, bearer));
  if (!token) {
    throw new HttpError(
      401,
      "unauthorized",
      bearer.startsWith("drv_")
        ? "The token is unknown or revoked"
        : "The token is not a Drover token (they start with drv_)",
    );
  }
  const now = scheduler.now();
  if (token.lastUsedAt === null || now - token.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
    await scheduler.queue.write((tx) =>
      tx.run(sql`UPDATE tokens SET last_used_at = ${now} WHERE id = ${token.id}`)
    );
  }
  return token;
}
