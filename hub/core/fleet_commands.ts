/**
 * What operators and admins do to the fleet and its controls: cordon,
 * uncordon and drain workers, pause and resume, set resource limits,
 * re-enable families, create and revoke tokens. A request that cannot be
 * served is a {@link RequestError}.
 */
import type { PauseKind, TokenInfo, TokenRole } from "../../shared/api_schemas_admin.ts";
import type { Labels } from "../../shared/selector.ts";
import { createToken } from "../ops/create_token.ts";
import { enableFamily } from "../ops/enable_family.ts";
import { liftPause } from "../ops/lift_pause.ts";
import { revokeToken } from "../ops/revoke_token.ts";
import { setPause } from "../ops/set_pause.ts";
import { setResourceLimits } from "../ops/set_resource_limits.ts";
import { setWorkerMode, type WorkerMode } from "../ops/set_worker_mode.ts";
import { workersNamed } from "../queries/workers.ts";
import { RequestError } from "./request_error.ts";
import type { CommandDeps } from "./run_commands.ts";

/** Operator and admin actions on workers, pauses, resources, families and tokens. */
export class FleetCommands {
  readonly #d: CommandDeps;

  constructor(deps: CommandDeps) {
    this.#d = deps;
  }

  /**
   * Cordons (no new leases), uncordons, or drains (cordon, then disconnect
   * for good once its leases are done) the worker given by id or name, on
   * whichever hub it is connected to.
   */
  async setWorkerMode(
    ref: string,
    mode: WorkerMode,
  ): Promise<{ workerId: string; cordoned: boolean; draining: boolean }> {
    const workerId = await this.#resolveWorker(ref);
    if (!(await this.#d.queue.write((tx) => setWorkerMode(tx, workerId, mode)))) {
      throw new RequestError(404, "worker_not_found", `Worker "${workerId}" does not exist`);
    }
    const link = this.#d.links.get(workerId);
    if (link) {
      link.cordoned = mode !== "uncordon";
      link.draining = mode === "drain";
      if (mode === "uncordon") this.#d.dispatcher.kick(true);
    }
    await this.#d.links.sync();
    this.#d.log.info(`worker ${mode === "drain" ? "draining" : `${mode}ed`}`, { workerId });
    return { workerId, cordoned: mode !== "uncordon", draining: mode === "drain" };
  }

  /** Pauses a family or a region; false when it already was. */
  async pause(
    kind: PauseKind,
    value: string,
    reason: string | null,
    createdBy: string | null,
  ): Promise<boolean> {
    const now = this.#d.now();
    const added = await this.#d.queue.write((tx) =>
      setPause(tx, kind, value, reason, createdBy, now)
    );
    this.#d.log.info("paused", { kind, value, reason });
    return added;
  }

  /** Lifts a pause; false when there was none. */
  async resume(kind: PauseKind, value: string): Promise<boolean> {
    const removed = await this.#d.queue.write((tx) => liftPause(tx, kind, value));
    if (removed) this.#d.dispatcher.kick(true);
    this.#d.log.info("resumed", { kind, value });
    return removed;
  }

  /** Sets resource limits (a lower limit takes nothing back: tasks holding it finish). */
  async setResourceLimits(limits: Readonly<Record<string, number>>): Promise<void> {
    if (Object.keys(limits).length === 0) return;
    const now = this.#d.now();
    await this.#d.queue.write((tx) => setResourceLimits(tx, limits, now));
    this.#d.dispatcher.kick(true);
    for (const [resource, limit] of Object.entries(limits)) {
      this.#d.log.info("resource limit set", { resource, limit });
    }
  }

  /** Lifts the disable a family earned by failing too often. */
  async enableFamily(name: string): Promise<void> {
    const { queue, registry } = this.#d;
    await registry.reload(queue);
    if (!registry.list().some((f) => f.name === name)) {
      throw new RequestError(404, "family_not_found", `Task family "${name}" is not registered`);
    }
    await queue.write((tx) => enableFamily(tx, name));
    await registry.reload(queue);
    this.#d.dispatcher.kick(true);
    this.#d.log.info("family enabled", { family: name });
  }

  /** Creates a token; its secret is in the answer only. */
  async createToken(
    t: { role: TokenRole; scope: Labels; name: string },
  ): Promise<{ token: string; info: TokenInfo }> {
    const now = this.#d.now();
    const created = await this.#d.queue.write((tx) => createToken(tx, { ...t, now }));
    this.#d.log.info("token created", {
      tokenId: created.info.id,
      role: created.info.role,
      scope: created.info.scope,
    });
    return created;
  }

  /** Revokes a token at once; worker sessions using it on this hub are closed (others at a tick). */
  async revokeToken(id: string): Promise<{ id: string; revoked: true; sessionsClosed: number }> {
    const now = this.#d.now();
    const outcome = await this.#d.queue.write((tx) => revokeToken(tx, id, now));
    if (outcome === "missing") {
      throw new RequestError(404, "token_not_found", `Token "${id}" does not exist`);
    }
    if (outcome === "last_admin") {
      throw new RequestError(
        409,
        "last_admin_token",
        `Token "${id}" is the last admin token: create another admin token before revoking it`,
      );
    }
    const sessionsClosed = this.#d.links.closeTokenSessions(id);
    this.#d.log.info("token revoked", { tokenId: id, sessionsClosed });
    return { id, revoked: true, sessionsClosed };
  }

  /** The id of the worker given by id or by name (a connected one first). */
  async #resolveWorker(ref: string): Promise<string> {
    const rows = await this.#d.queue.read((db) => workersNamed(db, ref));
    const byId = rows.find((r) => r.id === ref);
    if (byId) return byId.id;
    const connected = rows.filter((r) => r.state === "connected");
    const pick = connected.length > 0 ? connected : rows;
    if (pick.length === 1) return pick[0]!.id;
    if (pick.length === 0) {
      throw new RequestError(404, "worker_not_found", `No worker has the id or name "${ref}"`);
    }
    throw new RequestError(
      409,
      "worker_ambiguous",
      `${pick.length} workers are named "${ref}": give an id (${pick.map((r) => r.id).join(", ")})`,
    );
  }
}
