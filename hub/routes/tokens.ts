import { Hono } from "hono";
import { z } from "zod";
import { labelsSchema } from "../../shared/selector.ts";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../http_error.ts";
import { createToken, listTokens, revokeToken } from "../scheduler/tokens.ts";
import { parseBody } from "./parse_body.ts";

const createSchema = z.strictObject({
  role: z.literal("worker", {
    message:
      'only "worker" tokens can be created yet (admin, operator and viewer come with API roles)',
  }),
  /** Labels a worker using this token must carry, e.g. `{ "region": "eu-west" }`. */
  scope: labelsSchema.default({}),
  name: z.string().min(1).max(200).default("worker"),
});

/** Tokens: create (the secret is shown once), list, revoke (closes the sessions using it). */
export function tokenRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { scheduler } = deps;
  app.post("/", async (c) => {
    const body = await parseBody(c, createSchema);
    const now = scheduler.now();
    const { token, info } = await scheduler.queue.write((tx) => createToken(tx, { ...body, now }));
    deps.log.info("token created", { tokenId: info.id, role: info.role, scope: info.scope });
    return c.json({ ...info, token }, 201);
  });
  app.get("/", async (c) => c.json({ tokens: await scheduler.queue.read((db) => listTokens(db)) }));
  app.delete("/:id", async (c) => {
    const id = c.req.param("id");
    const now = scheduler.now();
    if (!(await scheduler.queue.write((tx) => revokeToken(tx, id, now)))) {
      throw new HttpError(404, "token_not_found", `Token "${id}" does not exist`);
    }
    const closed = scheduler.closeTokenSessions(id);
    deps.log.info("token revoked", { tokenId: id, sessionsClosed: closed });
    return c.json({ id, revoked: true, sessionsClosed: closed });
  });
  return app;
}
