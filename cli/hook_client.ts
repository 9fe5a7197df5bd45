/** The admin API's webhook endpoints, for `drover hook` (see `api_client.ts`). */
import { z } from "zod";
import { type Hook, hookCreatedSchema, hookListSchema } from "../shared/api_schemas_hooks.ts";
import { namedDeletedSchema } from "../shared/api_schemas_schedules.ts";
import type { HubRequest } from "./hub_request.ts";

/** A created hook, with its secret. */
export type HookCreated = z.output<typeof hookCreatedSchema>;

/** `/api/hooks`. */
export interface HookClient {
  /** `GET /api/hooks`. */
  list(): Promise<Hook[]>;
  /** `POST /api/hooks`: the body as the API takes it (`createHookSchema`). */
  create(body: Record<string, unknown>): Promise<HookCreated>;
  /** `DELETE /api/hooks/:name`. */
  delete(name: string): Promise<void>;
}

/** The hook endpoints, through `request`. */
export function hookClient(request: HubRequest): HookClient {
  return {
    list: async () => (await request("GET", "/api/hooks", hookListSchema)).hooks,
    create: (body) => request("POST", "/api/hooks", hookCreatedSchema, body),
    delete: async (name) =>
      void await request("DELETE", `/api/hooks/${encodeURIComponent(name)}`, namedDeletedSchema),
  };
}
