/**
 * The hub's database on PostgreSQL, its access tables (as `../schema_access.ts`).
 * Re-exported by `schema.ts`, which drizzle-kit reads.
 */
import { bigint, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";

export const tokens = pgTable("tokens", {
  /** Public id (`tok_…`), also inside the token itself. */
  id: text("id").primaryKey(),
  /** SHA-256 of the whole token: the token itself is never stored. */
  hash: text("hash").notNull(),
  role: text("role").$type<"admin" | "operator" | "viewer" | "worker">().notNull(),
  /** Worker tokens: labels the worker must carry (JSON), e.g. `{"region":"eu-west"}`. */
  scope: text("scope").notNull().default("{}"),
  name: text("name").notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  revokedAt: bigint("revoked_at", { mode: "number" }),
  lastUsedAt: bigint("last_used_at", { mode: "number" }),
}, (t) => [uniqueIndex("tokens_hash_idx").on(t.hash)]);

/** Every mutating admin action, allowed or refused: who, what, target, when, outcome. */
export const auditLog = pgTable("audit_log", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
  at: bigint("at", { mode: "number" }).notNull(),
  /** The acting token's id (`tok_…`), name and role; null when no valid token was given. */
  tokenId: text("token_id"),
  actor: text("actor"),
  role: text("role"),
  /** A stable action name, e.g. `run.submit`, `task.retry`, `worker.drain`. */
  action: text("action").notNull(),
  /** What it acted on: a run, task, worker, token, family or region id. */
  target: text("target"),
  /** `ok`, `denied` (role not allowed) or `failed` (the request was refused or errored). */
  outcome: text("outcome").$type<"ok" | "denied" | "failed">().notNull(),
  status: bigint("status", { mode: "number" }).notNull(),
  /** JSON: the reason given, the error code, counts. */
  detail: text("detail").notNull().default("{}"),
}, (t) => [
  index("audit_at_idx").on(t.at),
  index("audit_action_idx").on(t.action, t.at),
]);

/** Web UI sign-ins with a token: one row per browser session, ended by logout, expiry or revocation. */
export const uiSessions = pgTable("ui_sessions", {
  /** SHA-256 of the random session id the cookie carries: the id itself is never stored. */
  idHash: text("id_hash").primaryKey(),
  tokenId: text("token_id").notNull(),
  /** What mutating requests of this session carry in `X-Drover-CSRF`. */
  csrf: text("csrf").notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
  lastSeenAt: bigint("last_seen_at", { mode: "number" }).notNull(),
}, (t) => [
  index("ui_sessions_token_idx").on(t.tokenId),
  index("ui_sessions_expiry_idx").on(t.expiresAt),
]);

/** Secrets the hubs sharing a database share: `ui_csrf` keys the CSRF tokens of SSO users. */
export const hubSecrets = pgTable("hub_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
});
