/** Fetches a family before a submission, to convert its parameters. */
import type { ApiClient } from "./api_client.ts";
import type { FamilyDetail } from "../shared/api_schemas.ts";
import { HubError } from "./errors.ts";

/** The family's latest version; an unknown name is answered with the known ones. */
export async function fetchFamily(client: ApiClient, name: string): Promise<FamilyDetail> {
  try {
    return await client.getFamily(name);
  } catch (error) {
    if (!(error instanceof HubError) || error.code !== "family_not_found") throw error;
    const known = [...new Set((await client.listFamilies()).map((f) => f.name))];
    throw new HubError(
      error.status,
      error.code,
      `${error.message}; ${
        known.length > 0 ? `known families: ${known.join(", ")}` : "no worker has connected yet"
      }`,
      { cause: error },
    );
  }
}
