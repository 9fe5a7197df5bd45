import { Hono } from "hono";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { AppDeps } from "../app.ts";
import { selectorSchema } from "../../shared/selector.ts";
import { HttpError } from "../http_error.ts";
import { runStatus, runTaskIds } from "../scheduler/run_status.ts";
import { submitRun } from "../scheduler/submit_run.ts";
import { parseBody, parseOptionalBody } from "./parse_body.ts";

const submitSchema = z.strictObject({
  family: z.string().min(1).max(100),
  params: z.record(z.string(), z.unknown()).default({}),
  version: z.int().min(1).optional(),
  /** Higher runs first; everything the run needs inherits it. */
  priority: z.int().min(-1_000_000).max(1_000_000).optional(),
  /** Overrides the family's pin for the run's root task. */
  pin: selectorSchema.optional(),
  /** Regions in order of preference: after `spillAfterMs` ready, the next may take the root task too. */
  prefer: z.strictObject({
    label: z.string().regex(/^[a-z][a-z0-9_.\-/]{0,62}$/).default("region"),
    values: z.array(z.string().min(1).max(200)).min(1).max(20),
    spillAfterMs: z.int().min(1).max(86_400_000),
  }).optional(),
}).refine((b) => !(b.pin && b.prefer), {
  message: "give pin or prefer, not both",
  path: ["prefer"],
});

const cancelSchema = z.strictObject({ reason: z.string().min(1).max(500).optional() });

/** Runs: submit, list, inspect. */
export function runRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { scheduler } = deps;

  app.post("/", async (c) => {
    const body = await parseBody(c, submitSchema);
    let family = body.version
      ? scheduler.registry.get(body.family, body.version)
      : scheduler.registry.latest(body.family);
    if (!family) {
      // Another hub may have registered it since this one loaded the registry.
      await scheduler.queue.read((db) => scheduler.registry.load(db));
      family = body.version
        ? scheduler.registry.get(body.family, body.version)
        : scheduler.registry.latest(body.family);
    }
    if (!family) {
      const known = [...new Set(scheduler.registry.list().map((f) => f.name))];
      throw new HttpError(
        400,
        "unknown_family",
        `Unknown task family "${body.family}"${body.version ? ` version ${body.version}` : ""}: ` +
          (known.length
            ? `no worker has advertised it (known: ${known.join(", ")})`
            : "no worker has connected yet"),
        { field: "family" },
      );
    }
    let parsed: { params: unknown; id: string };
    try {
      parsed = scheduler.registry.parseSubmission(family, body.params);
    } catch (error) {
      const e = error as Error & { field?: string | null };
      throw new HttpError(400, "invalid_params", e.message, { field: e.field ?? "params" });
    }
    const runId = `run_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    const now = scheduler.now();
    const result = await scheduler.queue.write((tx) =>
      submitRun(tx, {
        runId,
        taskId: parsed.id,
        family: family.name,
        version: family.version,
        params: parsed.params,
        families: scheduler.registry.defaults,
        priority: body.priority,
        pin: body.pin,
        prefer: body.prefer,
        now,
      })
    );
    scheduler.kick(true);
    deps.log.info("run submitted", {
      runId,
      taskId: parsed.id,
      family: family.name,
      created: result.created,
    });
    return c.json({ runId, taskId: parsed.id, rootState: result.rootState }, 201);
  });

  app.get("/", async (c) => {
    const limit = Math.min(500, Math.max(1, Number(c.req.query("limit") ?? 50) || 50));
    const rows = await scheduler.queue.read((db) =>
      db.all<{ id: string }>(sql`SELECT id FROM runs ORDER BY created_at DESC LIMIT ${limit}`)
    );
    const runs = [];
    for (const r of rows) {
      const s = await scheduler.queue.read((db) => runStatus(db, r.id));
      if (s) runs.push(s);
    }
    return c.json({ runs });
  });

  app.post("/:id/cancel", async (c) => {
    const id = c.req.param("id");
    const body = await parseOptionalBody(c, cancelSchema);
    const [run] = await scheduler.queue.read((db) =>
      db.all<{ root_task_id: string }>(sql`SELECT root_task_id FROM runs WHERE id = ${id}`)
    );
    if (!run) throw new HttpError(404, "run_not_found", `Run "${id}" does not exist`);
    const ids = await scheduler.queue.read((db) =>
      db.all<{ id: string }>(sql`${runTaskIds(run.root_task_id)}`)
    );
    const reason = body.reason ?? `run ${id} cancelled`;
    const { cancelled } = await scheduler.cancel(ids.map((r) => r.id), reason);
    deps.log.info("run cancelled", { runId: id, cancelled: cancelled.length, reason });
    return c.json({ runId: id, cancelled: cancelled.length });
  });

  app.get("/:id", async (c) => {
    const id = c.req.param("id");
    const status = await scheduler.queue.read((db) => runStatus(db, id));
    if (!status) throw new HttpError(404, "run_not_found", `Run "${id}" does not exist`);
    if (status.state !== "running") {
      // Persist the final state once, so listings need not derive it again.
      await scheduler.queue.write((tx) =>
        tx.run(sql`UPDATE runs SET state = ${status.state},
          finished_at = coalesce(finished_at, ${status.finishedAt ?? scheduler.now()})
          WHERE id = ${id} AND state = 'running'`)
      );
    }
    return c.json(status);
  });

  return app;
}
