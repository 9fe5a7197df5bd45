/**
 * Stream triggers: the API's commands (create, list, get, pause, resume,
 * delete), and this hub's consumers of them. Every hub reads every trigger
 * that is not paused (JetStream hands each message to one of them; a
 * redelivery to another finds its run by key); `sync`, on a timer, starts
 * and stops consumers as triggers are made, paused, resumed and deleted.
 */
import type { CreateTrigger, Trigger, TriggerStatus } from "../../shared/api_schemas_triggers.ts";
import { newId } from "../db/new_id.ts";
import {
  deleteTrigger,
  insertTrigger,
  listTriggers,
  pauseTrigger,
  resumeTrigger,
  triggerByName,
  type TriggerRow,
} from "../ops/triggers.ts";
import { openSource } from "../triggers/open_source.ts";
import { freshStatus, TriggerConsumer } from "../triggers/trigger_consumer.ts";
import type { TriggerSource } from "../triggers/trigger_source.ts";
import { findFamily } from "./find_family.ts";
import { checkParamNames } from "./payload_params.ts";
import { RequestError } from "./request_error.ts";
import type { CommandDeps } from "./run_commands.ts";
import { submitBatch } from "./trigger_batch.ts";

/** What the trigger commands need besides the usual. */
export interface TriggerDeps extends CommandDeps {
  hubId: string;
  /** Makes a trigger's source (tests may wrap the real one). Default: `openSource`. */
  openSource?: (name: string, stored: string, clientName: string) => TriggerSource;
}

/** Stream triggers: the API's commands and this hub's consumers. */
export class TriggerCommands {
  readonly #d: TriggerDeps;
  readonly #consumers = new Map<string, { row: TriggerRow; consumer: TriggerConsumer }>();
  /** The last status of each trigger this hub consumed (kept across a pause). */
  readonly #statuses = new Map<string, TriggerStatus>();
  /** Triggers not paused whose source could not be opened (its settings refused here). */
  readonly #unopened = new Map<string, { name: string; status: TriggerStatus }>();
  #stopped = false;
  #syncing: Promise<void> = Promise.resolve();

  constructor(deps: TriggerDeps) {
    this.#d = deps;
  }

  /** Creates a trigger; 400 for an unknown family or parameters, 409 for a name taken. */
  async create(r: CreateTrigger & { createdBy: string | null }): Promise<Trigger> {
    const { registry, queue } = this.#d;
    const family = await findFamily(registry, () => registry.reload(queue), r.family, r.version);
    checkParamNames(family, r.params, r.mapping);
    const now = this.#d.now();
    const row: TriggerRow = {
      id: newId("trg"),
      name: r.name,
      kind: r.source.kind,
      source: JSON.stringify(r.source),
      family: family.name,
      version: r.version ?? null,
      params: JSON.stringify(r.params),
      mapping: JSON.stringify(r.mapping),
      key_field: r.keyField ?? null,
      priority: r.priority,
      paused_at: r.paused ? now : null,
      pause_reason: r.paused ? "created paused" : null,
      created_by: r.createdBy,
      created_at: now,
      updated_at: now,
    };
    if (!await queue.write((tx) => insertTrigger(tx, row))) {
      throw new RequestError(409, "trigger_exists", `A trigger named "${r.name}" exists already`, {
        field: "name",
      });
    }
    this.#d.log.info("trigger created", { name: r.name, family: family.name, kind: row.kind });
    await this.sync();
    return this.view(row);
  }

  /** Every trigger, by name. */
  async list(): Promise<Trigger[]> {
    return (await this.#d.queue.read(listTriggers)).map((t) => this.view(t));
  }

  /** One trigger; 404 when there is none. */
  async get(name: string): Promise<Trigger> {
    const row = await this.#d.queue.read((db) => triggerByName(db, name));
    if (!row) throw notFound(name);
    return this.view(row);
  }

  /** Pauses it: every hub stops consuming (messages wait on the broker). */
  async pause(name: string, reason: string | null): Promise<Trigger> {
    const row = await this.#d.queue.write((tx) => pauseTrigger(tx, name, reason, this.#d.now()));
    if (!row) throw notFound(name);
    this.#d.log.info("trigger paused", { name, reason });
    await this.sync();
    return this.view(row);
  }

  /** Resumes it from the first message not yet acknowledged. */
  async resume(name: string): Promise<Trigger> {
    const row = await this.#d.queue.write((tx) => resumeTrigger(tx, name, this.#d.now()));
    if (!row) throw notFound(name);
    this.#d.log.info("trigger resumed", { name });
    await this.sync();
    return this.view(row);
  }

  /**
   * Deletes it (its runs stay) and, when the hub named it, its durable
   * consumer on the broker (best effort: logged when the broker is away).
   */
  async delete(name: string): Promise<void> {
    const row = await this.#d.queue.write((tx) => deleteTrigger(tx, name));
    if (!row) throw notFound(name);
    this.#d.log.info("trigger deleted", { name });
    await this.sync();
    try {
      await this.#open(row).remove();
    } catch (error) {
      this.#d.log.warn("trigger's consumer not removed", {
        name,
        error: (error as Error).message,
      });
    }
  }

  /**
   * Starts consumers for the triggers not paused, stops the others' (a timer
   * calls it, and the commands that change a trigger). One at a time: a sync
   * that read the table before a pause must not start what the pause stopped.
   */
  sync(): Promise<void> {
    const next = this.#syncing.then(() => this.#sync());
    this.#syncing = next.catch(() => {});
    return next;
  }

  async #sync(): Promise<void> {
    if (this.#stopped) return;
    const rows = await this.#d.queue.read(listTriggers);
    const live = new Map(rows.filter((t) => t.paused_at === null).map((t) => [t.id, t]));
    const gone = [...this.#consumers].filter(([id]) => !live.has(id));
    for (const [id] of gone) this.#consumers.delete(id);
    await Promise.all(gone.map(([, c]) => c.consumer.stop()));
    for (const [id, row] of live) {
      if (!this.#consumers.has(id) && !this.#stopped) this.#start(row);
    }
    for (const id of this.#unopened.keys()) if (!live.has(id)) this.#unopened.delete(id);
    const known = new Set(rows.map((t) => t.id));
    for (const id of this.#statuses.keys()) if (!known.has(id)) this.#statuses.delete(id);
  }

  /** Each trigger this hub consumes or fails to, with its state and lag (for the metrics). */
  statuses(): { name: string; status: TriggerStatus }[] {
    return [
      ...[...this.#consumers.values()].map(({ row, consumer }) => ({
        name: row.name,
        status: consumer.status,
      })),
      ...this.#unopened.values(),
    ];
  }

  /** Stops every consumer (their batches under way finish first). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#syncing;
    const all = [...this.#consumers.values()];
    this.#consumers.clear();
    await Promise.all(all.map((c) => c.consumer.stop()));
  }

  #start(row: TriggerRow): void {
    let source: TriggerSource;
    try {
      source = this.#open(row);
    } catch (error) {
      // Tried again at each sync; said once, and again only when it changes.
      const message = (error as Error).message;
      if (this.#unopened.get(row.id)?.status.error !== message) {
        this.#d.log.warn("trigger cannot start", { trigger: row.name, error: message });
      }
      const status = { ...freshStatus("failing"), error: message };
      this.#statuses.set(row.id, status);
      this.#unopened.set(row.id, { name: row.name, status });
      return;
    }
    this.#unopened.delete(row.id);
    const consumer = new TriggerConsumer({
      name: row.name,
      source,
      batch: (JSON.parse(row.source) as { batch?: number }).batch ?? 100,
      handle: async (messages) => submitBatch(this.#d, row, await this.#family(row), messages),
      log: this.#d.log,
      now: this.#d.now,
      wanted: async () => {
        const current = await this.#d.queue.read((db) => triggerByName(db, row.name));
        return current?.id === row.id && current.paused_at === null;
      },
    });
    const previous = this.#statuses.get(row.id);
    if (previous) {
      Object.assign(consumer.status, {
        accepted: previous.accepted,
        duplicates: previous.duplicates,
        rejected: previous.rejected,
        lastMessageAt: previous.lastMessageAt,
      });
    }
    this.#statuses.set(row.id, consumer.status);
    this.#consumers.set(row.id, { row, consumer });
    // One that ended of itself (not wanted when it last looked) goes, so the
    // next sync starts a new one should its trigger be wanted again by then.
    void consumer.ended.then(() => {
      if (this.#consumers.get(row.id)?.consumer === consumer) this.#consumers.delete(row.id);
    });
  }

  #open(row: TriggerRow): TriggerSource {
    const open = this.#d.openSource ?? openSource;
    return open(row.name, row.source, `drover hub ${this.#d.hubId} trigger ${row.name}`);
  }

  /** The trigger's family, reloading the registry now and then when it is missing. */
  async #family(t: TriggerRow) {
    const { registry, queue } = this.#d;
    const lookup = () =>
      t.version === null ? registry.latest(t.family) : registry.get(t.family, t.version);
    if (!lookup()) await registry.reloadForMiss(queue, this.#d.now());
    return lookup() ?? null;
  }

  /** A stored trigger as the API shows it, with this hub's status of its consumer. */
  view(t: TriggerRow): Trigger {
    const status = t.paused_at !== null
      ? {
        ...(this.#statuses.get(t.id) ?? freshStatus("paused")),
        state: "paused" as const,
        error: null,
      }
      : this.#statuses.get(t.id) ?? freshStatus("starting");
    return {
      id: t.id,
      name: t.name,
      source: JSON.parse(t.source),
      family: t.family,
      version: t.version,
      params: JSON.parse(t.params),
      mapping: JSON.parse(t.mapping),
      keyField: t.key_field,
      priority: t.priority,
      paused: t.paused_at === null ? null : { at: t.paused_at, reason: t.pause_reason },
      status: { ...status },
      createdBy: t.created_by,
      createdAt: t.created_at,
    };
  }
}

function notFound(name: string): RequestError {
  return new RequestError(404, "trigger_not_found", `No trigger is named "${name}"`);
}
