/** The admin API's schedule endpoints, for `drover schedule` (see `api_client.ts`). */
import { z } from "zod";
import {
  namedDeletedSchema,
  type Schedule,
  scheduleFiredSchema,
  scheduleListSchema,
  scheduleSchema,
} from "../shared/api_schemas_schedules.ts";
import type { HubRequest } from "./hub_request.ts";

/** What firing a schedule now did. */
export type ScheduleFired = z.output<typeof scheduleFiredSchema>;

/** `/api/schedules`. */
export interface ScheduleClient {
  /** `GET /api/schedules`. */
  list(): Promise<Schedule[]>;
  /** `GET /api/schedules/:name`. */
  get(name: string): Promise<Schedule>;
  /** `POST /api/schedules`: the body as the API takes it (`createScheduleSchema`). */
  create(body: Record<string, unknown>): Promise<Schedule>;
  /** `POST /api/schedules/:name/pause`. */
  pause(name: string, reason: string | null): Promise<Schedule>;
  /** `POST /api/schedules/:name/resume`. */
  resume(name: string): Promise<Schedule>;
  /** `POST /api/schedules/:name/trigger`. */
  trigger(name: string): Promise<ScheduleFired>;
  /** `DELETE /api/schedules/:name`. */
  delete(name: string): Promise<void>;
}

/** The schedule endpoints, through `request`. */
export function scheduleClient(request: HubRequest): ScheduleClient {
  const path = (name: string, action = "") => `/api/schedules/${encodeURIComponent(name)}${action}`;
  return {
    list: async () => (await request("GET", "/api/schedules", scheduleListSchema)).schedules,
    get: (name) => request("GET", path(name), scheduleSchema),
    create: (body) => request("POST", "/api/schedules", scheduleSchema, body),
    pause: (name, reason) =>
      request("POST", path(name, "/pause"), scheduleSchema, reason === null ? {} : { reason }),
    resume: (name) => request("POST", path(name, "/resume"), scheduleSchema, {}),
    trigger: (name) => request("POST", path(name, "/trigger"), scheduleFiredSchema, {}),
    delete: async (name) => void await request("DELETE", path(name), namedDeletedSchema),
  };
}
