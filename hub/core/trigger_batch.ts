/**
 * A batch of a trigger's messages turned into runs: each message parsed and
 * mapped to its family's parameters (a message that cannot be is rejected
 * for good), then every run submitted in one transaction, each with its
 * message's key, and only then acknowledged. A redelivered message finds the
 * run its key made and is acknowledged without a second one.
 */
import { acceptDelivery } from "../ops/deliveries.ts";
import type { TriggerRow } from "../ops/triggers.ts";
import type { BatchOutcome } from "../triggers/trigger_consumer.ts";
import type { SourceMessage } from "../triggers/trigger_source.ts";
import type { RegisteredFamily } from "./family_registry.ts";
import { keyAt, paramsFromPayload, parsePayload } from "./payload_params.ts";
import type { CommandDeps } from "./run_commands.ts";

/** How long a message waits before it is delivered again when its family is not registered. */
const UNREGISTERED_RETRY_MS = 10_000;
/** How long a batch waits before it is delivered again when the database did not take it. */
const DATABASE_RETRY_MS = 5_000;

/** A message ready to submit. */
interface Ready {
  message: SourceMessage;
  key: string;
  taskId: string;
  params: unknown;
}

/** Submits `messages` of trigger `t` as runs of `family` (null: not registered on this hub). */
export async function submitBatch(
  d: CommandDeps,
  t: TriggerRow,
  family: RegisteredFamily | null,
  messages: readonly SourceMessage[],
): Promise<BatchOutcome> {
  const out: BatchOutcome = { accepted: 0, duplicates: 0, rejected: 0, retried: 0 };
  if (!family) {
    for (const m of messages) m.retry(UNREGISTERED_RETRY_MS);
    const error = `Task family "${t.family}"${t.version ? ` version ${t.version}` : ""} ` +
      "is not registered (no worker has advertised it): its messages wait";
    d.metrics.triggerMessages(t.name, "retried", messages.length);
    return { ...out, retried: messages.length, error };
  }
  const ready: Ready[] = [];
  for (const message of messages) {
    try {
      const payload = parsePayload(message.data, "The message");
      const key = t.key_field === null ? message.id : keyAt(payload, t.key_field);
      if (key === null) {
        throw new Error(
          `The message has no idempotency key at ${t.key_field} (a string or number of at ` +
            "most 200 characters)",
        );
      }
      const parsed = d.registry.parseSubmission(family, paramsFromPayload(t, payload));
      ready.push({ message, key, taskId: parsed.id, params: parsed.params });
    } catch (error) {
      const reason = (error as Error).message;
      message.reject(reason);
      out.rejected++;
      d.log.warn("trigger message rejected", { trigger: t.name, id: message.id, reason });
    }
  }
  d.metrics.triggerMessages(t.name, "rejected", out.rejected);
  if (ready.length === 0) return out;
  const now = d.now();
  let results: { runId: string; duplicate: boolean }[];
  try {
    results = await d.queue.write(async (tx) => {
      const results = [];
      for (const r of ready) {
        results.push(
          await acceptDelivery(tx, {
            source: { ...t, kind: "trigger" },
            key: r.key,
            taskId: r.taskId,
            version: family.version,
            params: r.params,
            families: d.registry.defaults,
            now,
          }),
        );
      }
      return results;
    });
  } catch (error) {
    for (const r of ready) r.message.retry(DATABASE_RETRY_MS);
    d.metrics.triggerMessages(t.name, "retried", ready.length);
    return {
      ...out,
      retried: ready.length,
      error: `The database did not take the batch: ${(error as Error).message}`,
    };
  }
  // Committed: now, and only now, the broker may forget them.
  for (const [i, r] of ready.entries()) {
    r.message.ack();
    if (results[i]!.duplicate) out.duplicates++;
    else out.accepted++;
  }
  d.metrics.triggerMessages(t.name, "run", out.accepted);
  d.metrics.triggerMessages(t.name, "duplicate", out.duplicates);
  if (out.accepted > 0) d.dispatcher.kick(true);
  return out;
}
