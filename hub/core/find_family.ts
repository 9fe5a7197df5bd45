/** Finding the family a submission names. */
import type { FamilyRegistry, RegisteredFamily } from "./family_registry.ts";
import { RequestError } from "./request_error.ts";

/**
 * The family@version (latest when no version), reloading the registry once
 * on a miss: another hub may have registered it since this one loaded it.
 * A 400 naming the families known otherwise.
 */
export async function findFamily(
  registry: FamilyRegistry,
  reload: () => Promise<void>,
  name: string,
  version: number | undefined,
): Promise<RegisteredFamily> {
  const lookup = () => version ? registry.get(name, version) : registry.latest(name);
  let family = lookup();
  if (!family) {
    await reload();
    family = lookup();
  }
  if (family) return family;
  const known = [...new Set(registry.list().map((f) => f.name))];
  throw new RequestError(
    400,
    "unknown_family",
    `Unknown task family "${name}"${version ? ` version ${version}` : ""}: ` +
      (known.length
        ? `no worker has advertised it (known: ${known.join(", ")})`
        : "no worker has connected yet"),
    { field: "family" },
  );
}
