/** The families a worker runs, by `name@version`, and what its hello advertises about them. */
import { familyInfo } from "../shared/family_info.ts";
import type { FamilyInfo } from "../shared/protocol.ts";
import type { AnyTaskFamily, TaskFamily } from "../shared/task.ts";

/** A worker's families. */
export interface FamilyRegistry {
  /** Each family by `name@version`. */
  byKey: ReadonlyMap<string, TaskFamily>;
  /** What the hello advertises, in the order given. */
  infos: FamilyInfo[];
}

/** Indexes `families`; a family registered twice (same name and version) is a `TypeError`. */
export function familyRegistry(families: readonly AnyTaskFamily[]): FamilyRegistry {
  const byKey = new Map<string, TaskFamily>();
  const infos: FamilyInfo[] = [];
  for (const f of families) {
    const key = `${f.name}@${f.version}`;
    if (byKey.has(key)) {
      throw new TypeError(`Task family ${f.name} version ${f.version} is registered twice`);
    }
    byKey.set(key, f);
    infos.push(familyInfo(f));
  }
  return { byKey, infos };
}
