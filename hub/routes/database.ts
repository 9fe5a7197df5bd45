/** The database itself: a consistent backup while the hubs run, and retention. */
import { z } from "zod";
import {
  backupSchema,
  prunePreviewSchema,
  pruneReportSchema,
} from "../../shared/api_schemas_db.ts";
import { ADMIN, READ } from "../http/roles.ts";
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

  const retention = "Finished runs older than `DROVER_RUN_RETENTION` (default 30d) go with " +
    "the tasks no kept run needs (their attempts, publications and log lines); a task that a " +
    "running or younger run reaches, or that has not settled, is never deleted. A backfill " +
    "goes as a whole once all its runs can. Audit entries go after `DROVER_AUDIT_RETENTION` " +
    "(default 400d), events after `DROVER_EVENT_RETENTION`, log lines after " +
    "`DROVER_TASK_LOG_RETENTION`. Every hub deletes in small batches once a minute.";

  api.route({
    method: "get",
    path: "/api/db/prune",
    tag: "database",
    summary: "What retention would delete now",
    description: retention + " This counts what a pass would delete now, and writes nothing; " +
      "it walks the whole task graph, so it may take seconds on a large database.",
    allow: READ,
    response: {
      status: 200,
      description: "Settings, cutoffs and counts",
      schema: prunePreviewSchema,
    },
  }, async (c) => {
    const { cutoffs, wouldDelete } = await core.retention.preview((fn) => core.read(fn));
    return c.json({ retention: core.retention.settings, cutoffs, wouldDelete });
  });

  api.route({
    method: "post",
    path: "/api/db/prune",
    tag: "database",
    summary: "Run retention now",
    description: retention + " This runs a pass now, for up to 30 s (`finished: false` when " +
      "more is left; the timers go on with it).",
    allow: ADMIN,
    body: z.strictObject({}),
    response: { status: 200, description: "What was deleted", schema: pruneReportSchema },
    audit: "db.prune",
  }, async (c, { audit }) => {
    const report = await core.retention.prune(30_000);
    audit.detail.tasks = report.tasks;
    audit.detail.runs = report.runs;
    return c.json(report);
  });
}
