/** Finding the family a submission names. */
import { HttpError } from "../http/http_error.ts";
import type { RegisteredFamily } from "./family_registry.ts";
import type { Scheduler } from "./scheduler.ts";

/** The family@version (latest when no version), reloading the registry once on a miss. */
export async function findFamily(
  scheduler: Scheduler,
  name: string,
  version: number | undefined,
): Promise<RegisteredFamily> {
  const lookup = () =>
    version ? scheduler.registry.get(name, version) : scheduler.registry.latest(name);
  let family = lookup();
  if (!family) {
    // Another hub may have registered it since this one loaded the registry.
    await scheduler.queue.read((db) => scheduler.registry.load(db));
    family = lookup();
  }
  if (family) return family;
  const known = [...new Set(scheduler.registry.list().map((f) => f.name))];
  throw new HttpError(
    400,
    "unknown_family",
    `Unknown task family "${name}"${version ? ` version ${version}` : ""}: ` +
      (known.length
        ? `no worker has advertised it (known: ${known.join(", ")})`
        : "no worker has connected yet"),
    { field: "family" },
  );
}
