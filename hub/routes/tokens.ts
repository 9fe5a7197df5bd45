/** Tokens: create (the secret is shown once), list, revoke (closes the sessions using it). */
import { z } from "zod";
import {
  TOKEN_ROLES,
  tokenCreatedSchema,
  tokenListSchema,
  tokenRevokedSchema,
} from "../../shared/api_schemas_admin.ts";
import { labelsSchema } from "../../shared/selector.ts";
import { ADMIN, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { listTokens } from "../queries/tokens.ts";

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
  const { core } = api.deps;
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
    const { token, info } = await core.fleet.createToken({
      role: body.role,
      scope: body.scope,
      name: body.name ?? body.role,
    });
    audit.target = info.id;
    Object.assign(audit.detail, { role: info.role, name: info.name });
    return c.json({ ...info, token }, 201);
  });

  api.route({
    method: "get",
    path: "/api/tokens",
    tag: "tokens",
    summary: "List tokens",
    description: "Every token, newest first, without secrets.",
    allow: READ,
    response: { status: 200, description: "The tokens", schema: tokenListSchema },
  }, async (c) => c.json({ tokens: await core.read((db) => listTokens(db)) }));

  api.route({
    method: "delete",
    path: "/api/tokens/{id}",
    tag: "tokens",
    summary: "Revoke a token",
    description: "Takes effect at once on every hub; worker sessions using it are closed.",
    allow: ADMIN,
    params: z.object({ id: z.string().min(1).max(100).describe("The token's id, `tok_…`") }),
    response: { status: 200, description: "The token is revoked", schema: tokenRevokedSchema },
    errors: [404, 409],
    audit: "token.revoke",
  }, async (c, { params: { id } }) => c.json(await core.fleet.revokeToken(id)));
}
