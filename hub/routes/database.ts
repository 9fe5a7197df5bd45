/** The database itself: a consistent backup while the hubs run. */
import { z } from "zod";
import { backupSchema } from "../../shared/api_schemas_admin.ts";
import { ADMIN } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";

/** Database routes. */
export function databaseRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "post",
    path: "/api/db/backup",
    tag: "database",
    summary: "Back up the database",
    description: "Writes a consistent copy of a local libSQL database (`VACUUM INTO`) to `path` " +
      "on the hub's machine while hubs keep running; the file must not exist. Restore by " +
      "stopping the hubs and pointing `DROVER_DB_URL` at the copy. A remote database (Turso) " +
      "is backed up by its server: 409.",
    allow: ADMIN,
    body: z.strictObject({
      path: z.string().min(1).max(4096).describe("An absolute path on the hub's machine"),
    }),
    response: { status: 200, description: "The copy", schema: backupSchema },
    errors: [409],
    audit: "db.backup",
  }, async (c, { body, audit }) => {
    audit.detail.path = body.path;
    return c.json(await core.backup(body.path));
  });
}
