/** The endpoints of what starts runs besides a person: schedules, webhooks, stream triggers. */
import { type HookClient, hookClient } from "./hook_client.ts";
import type { HubRequest } from "./hub_request.ts";
import { type ScheduleClient, scheduleClient } from "./schedule_client.ts";
import { type TriggerClient, triggerClient } from "./trigger_client.ts";

/** `/api/schedules`, `/api/hooks`, `/api/triggers`. */
export interface AutomationClients {
  schedules: ScheduleClient;
  hooks: HookClient;
  triggers: TriggerClient;
}

/** Their endpoints, through `request`. */
export function automationClients(request: HubRequest): AutomationClients {
  return {
    schedules: scheduleClient(request),
    hooks: hookClient(request),
    triggers: triggerClient(request),
  };
}
