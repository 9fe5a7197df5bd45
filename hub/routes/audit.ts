/** The audit log, for admins and auditors. */
import { z } from "zod";

import { auditListSchema } from "../../shared/api_schemas_admin.ts";
import type { ApiRouter } from "../http/router.ts";
import { readAudit } from "../queries/audit_log.ts";
import { AUDIT } from "../http/roles.ts";

/** `GET /api/audit`. */
export function auditRoutes(api: ApiRouter): void {
  const { core } = api.deps;
  api.route({
    method: "get",
    path: "/api/audit",
    tag: "audit",
    summary: "Read the audit log",
    description: "Every mutating API call, allowed or refused, newest first. A full page has a " +
      "`next` cursor: pass it back as `cursor`.",
    allow: AUDIT,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.string().regex(/^\d+$/, "not a cursor").optional(),
      action: z.string().min(1).max(100).optional().describe("e.g. `task.retry`"),
      actor: z.string().min(1).max(200).optional().describe("A token id or name"),
      target: z.string().min(1).max(1000).optional(),
    }),
    response: {
      status: 200,
      description: "A page of entries",
      schema: auditListSchema,
    },
  }, async (c, { query }) => {
    const page = await core.read((db) =>
      readAudit(db, {
        limit: query.limit,
        before: query.cursor === undefined ? undefined : Number(query.cursor),
        action: query.action,
        actor: query.actor,
        target: query.target,
      })
    );
    return c.json(page);
  });
}
