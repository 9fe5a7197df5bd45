/** The admin API's stream trigger endpoints, for `drover trigger` (see `api_client.ts`). */
import { namedDeletedSchema } from "../shared/api_schemas_schedules.ts";
import { type Trigger, triggerListSchema, triggerSchema } from "../shared/api_schemas_triggers.ts";
import type { HubRequest } from "./hub_request.ts";

/** `/api/triggers`. */
export interface TriggerClient {
  /** `GET /api/triggers`. */
  list(): Promise<Trigger[]>;
  /** `GET /api/triggers/:name`. */
  get(name: string): Promise<Trigger>;
  /** `POST /api/triggers`: the body as the API takes it (`createTriggerSchema`). */
  create(body: Record<string, unknown>): Promise<Trigger>;
  /** `POST /api/triggers/:name/pause`. */
  pause(name: string, reason: string | null): Promise<Trigger>;
  /** `POST /api/triggers/:name/resume`. */
  resume(name: string): Promise<Trigger>;
  /** `DELETE /api/triggers/:name`. */
  delete(name: string): Promise<void>;
}

/** The trigger endpoints, through `request`. */
export function triggerClient(request: HubRequest): TriggerClient {
  const path = (name: string, action = "") => `/api/triggers/${encodeURIComponent(name)}${action}`;
  return {
    list: async () => (await request("GET", "/api/triggers", triggerListSchema)).triggers,
    get: (name) => request("GET", path(name), triggerSchema),
    create: (body) => request("POST", "/api/triggers", triggerSchema, body),
    pause: (name, reason) =>
      request("POST", path(name, "/pause"), triggerSchema, reason === null ? {} : { reason }),
    resume: (name) => request("POST", path(name, "/resume"), triggerSchema, {}),
    delete: async (name) => void await request("DELETE", path(name), namedDeletedSchema),
  };
}
