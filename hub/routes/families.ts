/** The family registry: what workers advertised (parameter JSON Schemas included). */
import { z } from "zod";
import {
  familyDetailSchema,
  familyEnabledSchema,
  familyListSchema,
} from "../../shared/api_schemas.ts";
import { RequestError } from "../core/request_error.ts";
import { OPERATE, READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { codeConflicts, describeConflict } from "../queries/code_conflicts.ts";
import { loadFamilies } from "../queries/families.ts";
import { parsePinKey } from "../../shared/selector.ts";

const nameParams = z.object({ name: z.string().min(1).max(100) });

/** Families: list, get, re-enable after too many failures. */
export function familyRoutes(api: ApiRouter): void {
  const { core } = api.deps;
  /** Every family, newest version first within a name (from the database: any hub's). */
  const families = async () => {
    const { rows, conflicts } = await core.read(async (db) => ({
      rows: await loadFamilies(db),
      conflicts: await codeConflicts(db),
    }));
    return rows
      .sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version)
      .map((f) => {
        const conflict = conflicts.get(`${f.name}@${f.version}`);
        return {
          ...f,
          pin: parsePinKey(f.pin),
          codeConflict: conflict
            ? { message: describeConflict(conflict), workers: conflict.workers }
            : null,
        };
      });
  };

  api.route({
    method: "get",
    path: "/api/families",
    tag: "families",
    summary: "List task families",
    description: "Every family and version workers advertised, with its parameters' JSON Schema.",
    allow: READ,
    response: { status: 200, description: "The families", schema: familyListSchema },
  }, async (c) => c.json({ families: await families() }));

  api.route({
    method: "get",
    path: "/api/families/{name}",
    tag: "families",
    summary: "Get a task family",
    description: "Its latest version, and the list of versions known.",
    allow: READ,
    params: nameParams,
    response: { status: 200, description: "The family", schema: familyDetailSchema },
    errors: [404],
  }, async (c, { params: { name } }) => {
    const versions = (await families()).filter((f) => f.name === name);
    if (versions.length === 0) {
      throw new RequestError(404, "family_not_found", `Task family "${name}" is not registered`);
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
    response: { status: 200, description: "The family is enabled", schema: familyEnabledSchema },
    errors: [404],
    audit: "family.enable",
  }, async (c, { params: { name } }) => {
    await core.fleet.enableFamily(name);
    return c.json({ family: name, disabledUntil: null });
  });
}
