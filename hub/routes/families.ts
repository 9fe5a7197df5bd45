import { Hono } from "hono";
import { sql } from "drizzle-orm";
import type { AppDeps } from "../app.ts";
import { HttpError } from "../http_error.ts";

/** The family registry: what workers advertised (parameter JSON Schemas included). */
export function familyRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const { registry, queue } = deps.scheduler;
  app.get("/", async (c) => {
    await queue.read((db) => registry.load(db));
    return c.json({ families: registry.list() });
  });
  app.get("/:name", async (c) => {
    const name = c.req.param("name");
    await queue.read((db) => registry.load(db));
    const versions = registry.list().filter((f) => f.name === name);
    if (versions.length === 0) {
      throw new HttpError(404, "family_not_found", `Task family "${name}" is not registered`);
    }
    return c.json({ ...versions[0], versions: versions.map((f) => f.version) });
  });
  app.post("/:name/enable", async (c) => {
    const name = c.req.param("name");
    await queue.read((db) => registry.load(db));
    if (!registry.list().some((f) => f.name === name)) {
      throw new HttpError(404, "family_not_found", `Task family "${name}" is not registered`);
    }
    await queue.write((tx) =>
      tx.run(sql`UPDATE families SET disabled_until = NULL WHERE name = ${name}`)
    );
    await queue.read((db) => registry.load(db));
    deps.scheduler.kick(true);
    deps.log.info("family enabled", { family: name });
    return c.json({ family: name, disabledUntil: null });
  });
  return app;
}
