/** Tokens: create (the secret is shown once), list, revoke (closes the sessions using it). */
import { sql } from "drizzle-orm";
import { z } from "zod";
import { labelsSchema } from "../../shared/selector.ts";
import type { ApiRouter } from "../http/router.ts";
import { ADMIN, READ } from "../http/roles.ts";
import {
  TOKEN_ROLES,
  tokenCreatedSchema,
  tokenListSchema,
  tokenRevokedSchema,
} from "../../shared/api_schemas_admin.ts";
import { HttpError } from "../http/http_error.ts";
import { createToken, listTokens, revokeToken } from "../ops/tokens.ts";

const createSchema = z.strictObject({
  role: z.enum(TOKEN_ROLES),
  /** Labels a worker using this token must carry, e.g. `{ "region": "eu-west" }`. */
  scope: labelsSchema.default({}).describe(
    'Worker tokens only: labels the worker must carry, e.g. {"region":"eu-west"}',
  ),
  name: z.string().min(1).max(200).optional().describe("A name to recognise it by"),
}).refine((b) => b.role === "worker" || Object.keys(b.scope).length === 0, {
  message: "only worker tokens have a scope",
  path: ["scope"],
});

/** Tokens: create, list, revoke. */
export function tokenRoutes(api: ApiRouter): void {
  const { scheduler, log } = api.deps;
  api.route({
    method: "post",
    path: "/api/tokens",
    tag: "tokens",
    summary: "Create a token",
    description: "The token itself (`drv_tok_…`) is in this response only: the hub stores its " +
      "hash. Roles: admin (everything), operator (run, retry, cancel, drain, pause), viewer " +
      "(read everything, change nothing), worker (the worker WebSocket only).",
    allow: ADMIN,
    body: createSchema,
    response: {
      status: 201,
      description: "The token, with its secret shown once",
      schema: tokenCreatedSchema,
    },
    audit: "token.create",
  }, async (c, { body, audit }) => {
    const now = scheduler.now();
    const { token, info } = await scheduler.queue.write((tx) =>
      createToken(tx, { role: body.role, scope: body.scope, name: body.name ?? body.role, now })
    );
    audit.target = info.id;
    Object.assign(audit.detail, { role: info.role, name: info.name });
    log.info("token created", { tokenId: info.id, role: info.role, scope: info.scope });
    return c.json({ ...info, token }, 201);
  });

  api.route({
    method: "get",
    path: "/api/tokens",
    tag: "tokens",
    summary: "List tokens",
    description: "Every token, newest first, without secrets.",
    allow: READ,
    response: {
      status: 200,
      description: "The tokens",
      schema: tokenListSchema,
    },
  }, async (c) => c.json({ tokens: await scheduler.queue.read((db) => listTokens(db)) }));

  api.route({
    method: "delete",
    path: "/api/tokens/{id}",
    tag: "tokens",
    summary: "Revoke a token",
    description: "Takes effect at once on every hub; worker sessions using it are closed.",
    allow: ADMIN,
    params: z.object({ id: z.string().min(1).max(100).describe("The token's id, `tok_…`") }),
    response: {
      status: 200,
      description: "The token is revoked",
      schema: tokenRevokedSchema,
    },
    errors: [404, 409],
    audit: "token.revoke",
  }, async (c, { params: { id } }) => {
    const now = scheduler.now();
    const outcome = await scheduler.queue.write(async (tx) => {
      const [target] = await tx.all<{ role: string; revoked_at: number | null }>(
        sql`SELECT role, revoked_at FROM tokens WHERE id = ${id}`,
      );
      if (!target) return "missing";
      if (target.role === "admin" && target.revoked_at === null) {
        const [admins] = await tx.all<{ n: number }>(
          sql`SELECT count(*) AS n FROM tokens WHERE role = 'admin' AND revoked_at IS NULL`,
        );
        if ((admins?.n ?? 0) <= 1) return "last_admin";
      }
      await revokeToken(tx, id, now);
      return "revoked";
    });
    if (outcome === "missing") {
      throw new HttpError(404, "token_not_found", `Token "${id}" does not exist`);
    }
    if (outcome === "last_admin") {
      throw new HttpError(
        409,
        "last_admin_token",
        `Token "${id}" is the last admin token: create another admin token before revoking it`,
      );
    }
    const closed = scheduler.closeTokenSessions(id);
    log.info("token revoked", { tokenId: id, sessionsClosed: closed });
    return c.json({ id, revoked: true, sessionsClosed: closed });
  });
}
