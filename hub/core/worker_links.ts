/**
 * The workers connected to this hub: one link per worker id (a newer
 * connection replaces an older one), with its credit and flags. Links are
 * the only way the hub talks to a worker outside its own session: lease
 * revocations, token revocations and drains go through here. Every fact
 * lives in the database; links can be lost with the process.
 */
import type { Logger } from "../../shared/log.ts";
import { CLOSE, type HubFrame, type WorkerFigures } from "../../shared/protocol.ts";
import type { Labels } from "../../shared/selector.ts";
import type { WriteQueue } from "../db/write_queue.ts";
import type { RevokedLease } from "../ops/cancel_tasks.ts";
import { revokedAmong } from "../queries/tokens.ts";
import { workerFlags } from "../queries/workers.ts";

/** A connected worker as the hub sees it. */
export interface WorkerLink {
  readonly workerId: string;
  readonly name: string;
  readonly labels: Labels;
  readonly families: readonly { name: string; version: number }[];
  /** Slots and version it said in its hello. */
  readonly slots?: number;
  readonly version?: string;
  /** The figures of its last renewal (exported per worker while it is connected). */
  figures?: WorkerFigures;
  /** Free slots the worker last reported, less the grants sent since. */
  free: number;
  /** Grants it would hold beyond its free slots (protocol 2), less those sent past its free slots. */
  prefetch?: number;
  /** Grants sent on this connection. */
  grantsSent: number;
  /** The last claim for this worker found less than it asked for… */
  starved?: boolean;
  /** …when the dispatcher's ready sequence was this. */
  lastClaimSeq?: number;
  /** The worker token this connection authenticated with. */
  readonly tokenId?: string;
  /** Cordoned workers get no new leases. */
  cordoned?: boolean;
  /** Draining workers are disconnected for good once their leases are done. */
  draining?: boolean;
  /** Sends a frame; false when the socket is gone. */
  send(frame: HubFrame): boolean;
  /** Closes the connection. */
  close(code: number, reason: string): void;
}

/** The links of this hub. */
export class WorkerLinks {
  readonly #links = new Map<string, WorkerLink>();
  readonly #waiters = new Set<{ match: (l: WorkerLink) => boolean; resolve: () => void }>();
  readonly #queue: WriteQueue;
  readonly #log: Logger;

  constructor(deps: { queue: WriteQueue; log: Logger }) {
    this.#queue = deps.queue;
    this.#log = deps.log;
  }

  /** Every link. */
  all(): WorkerLink[] {
    return [...this.#links.values()];
  }

  /** The link of worker `workerId`, if it is connected here. */
  get(workerId: string): WorkerLink | undefined {
    return this.#links.get(workerId);
  }

  /** Whether `link` is still the worker's current link. */
  isCurrent(link: WorkerLink): boolean {
    return this.#links.get(link.workerId) === link;
  }

  /** Adds a link; an older link of the same worker is closed. */
  add(link: WorkerLink): void {
    const previous = this.#links.get(link.workerId);
    if (previous && previous !== link) {
      previous.close(CLOSE.replaced, "replaced by a newer connection");
    }
    this.#links.set(link.workerId, link);
    for (const waiter of [...this.#waiters]) {
      if (!waiter.match(link)) continue;
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }

  /**
   * Resolves once a worker matching `match` is connected to this hub (at
   * once if one is); rejects with the signal's reason if it aborts first.
   */
  connected(match: (link: WorkerLink) => boolean, signal?: AbortSignal): Promise<void> {
    if (this.all().some(match)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal!.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Forgets `link`; false when it was not the current one. */
  remove(link: WorkerLink): boolean {
    if (!this.isCurrent(link)) return false;
    this.#links.delete(link.workerId);
    return true;
  }

  /** Tells the workers on this hub that hold `revoked` leases to stop (others learn at renewal). */
  revoke(revoked: readonly RevokedLease[], reason: string): void {
    for (const r of revoked) {
      this.#links.get(r.workerId)?.send({
        type: "lease.revoke",
        taskId: r.taskId,
        epoch: r.epoch,
        reason,
      });
    }
  }

  /** Closes every session on this hub that authenticated with token `id` (revoked). */
  closeTokenSessions(id: string): number {
    let closed = 0;
    for (const link of this.all()) {
      if (link.tokenId !== id) continue;
      link.close(CLOSE.policy, "worker token revoked");
      closed++;
    }
    return closed;
  }

  /**
   * Picks up what was set through any hub: revoked tokens close their
   * sessions here, cordons and drains reach the links, and draining workers
   * whose leases are all done are disconnected for good (close code
   * `drained`: the worker stops instead of reconnecting).
   */
  async sync(): Promise<void> {
    const mine = this.all();
    if (mine.length === 0) return;
    const tokenIds = [...new Set(mine.flatMap((l) => (l.tokenId ? [l.tokenId] : [])))];
    for (const id of await this.#queue.read((db) => revokedAmong(db, tokenIds))) {
      this.closeTokenSessions(id);
    }
    const flags = await this.#queue.read((db) => workerFlags(db, mine.map((l) => l.workerId)));
    for (const f of flags) {
      const link = this.#links.get(f.id);
      if (!link) continue;
      link.cordoned = f.cordoned;
      link.draining = f.draining;
      if (link.draining && f.leases === 0) {
        this.#log.info("worker drained", { workerId: f.id });
        link.close(CLOSE.drained, "worker drained: stop, do not reconnect");
      }
    }
  }
}
