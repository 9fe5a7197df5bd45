/** The family registry: what workers advertised (parameter JSON Schemas included). */
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { ApiRouter } from "../http/router.ts";
import { OPERATE, READ } from "../http/roles.ts";
import {
  familyDetailSchema,
  familyEnabledSchema,
  familyListSchema,
} from "../../shared/api_schemas.ts";
import { HttpError } from "../http/http_error.ts";

const nameParams = z.object({ name: z.string().min(1).max(100) });

/** Families: list, get, re-enable after too many failures. */
export function familyRoutes(api: ApiRouter): void {
  const { scheduler, log } = api.deps;
  const { registry, queue } = scheduler;

  api.route({
    method: "get",
    path: "/api/families",
    tag: "families",
    summary: "List task families",
    description: "Every family and version workers advertised, with its parameters' JSON Schema.",
    allow: READ,
    response: {
      status: 200,
      description: "The families",
      schema: familyListSchema,
    },
  }, async (c) => {
    await queue.read((db) => registry.load(db));
    return c.json({ families: registry.list() });
  });

  api.route({
    method: "get",
    path: "/api/families/{name}",
    tag: "families",
    summary: "Get a task family",
    description: "Its latest version, and the list of versions known.",
    allow: READ,
    params: nameParams,
    response: {
      status: 200,
      description: "The family",
      schema: familyDetailSchema,
    },
    errors: [404],
  }, async (c, { params: { name } }) => {
    await queue.read((db) => registry.load(db));
    const versions = registry.list().filter((f) => f.name === name);
    if (versions.length === 0) {
      throw new HttpError(404, "family_not_found", `Task family "${name}" is not registered`);
    }
    return c.json({ ...versions[0], versions: versions.map((f) => f.version) });
  });

  api.route({
    method: "post",
    path: "/api/families/{name}/enable",
    tag: "families",
    summary: "Re-enable a task family",
    description: "Lifts the disable a family earns by failing too often (its `disable` option).",
    allow: OPERATE,
    params: nameParams,
    response: {
      status: 200,
      description: "The family is enabled",
      schema: familyEnabledSchema,
    },
    errors: [404],
    audit: "family.enable",
  }, async (c, { params: { name } }) => {
    await queue.read((db) => registry.load(db));
    if (!registry.list().some((f) => f.name === name)) {
      throw new HttpError(404, "family_not_found", `Task family "${name}" is not registered`);
    }
    await queue.write((tx) =>
      tx.run(sql`UPDATE families SET disabled_until = NULL WHERE name = ${name}`)
    );
    await queue.read((db) => registry.load(db));
    scheduler.kick(true);
    log.info("family enabled", { family: name });
    return c.json({ family: name, disabledUntil: null });
  });
}
