/** The source a stored trigger reads, by its kind. */
import { triggerSourceSchema } from "../../shared/api_schemas_triggers.ts";
import { JetStreamSource } from "./jetstream_source.ts";
import type { TriggerSource } from "./trigger_source.ts";

/** Makes the source of trigger `name` from its stored settings (JSON, parsed here). */
export function openSource(name: string, stored: string, clientName: string): TriggerSource {
  const parsed = triggerSourceSchema.safeParse(JSON.parse(stored));
  if (!parsed.success) {
    throw new Error(`Trigger "${name}" has settings this hub cannot read: ${parsed.error.message}`);
  }
  const settings = parsed.data;
  switch (settings.kind) {
    case "jetstream":
      return new JetStreamSource(name, settings, clientName);
  }
}
