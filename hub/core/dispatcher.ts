/**
 * The dispatcher: pushes leases to connected workers that have credit.
 * Rounds never overlap; a round claims for every worker with free slots in
 * one write (a few statements for them all, however many workers ask),
 * then, in another, for workers whose slots are all granted and whose claims
 * found enough, their prefetch credit: every free slot is filled before any
 * lease waits in a worker's queue. It keeps the set of pins ready tasks carry, so a claim only
 * looks at pins the worker matches. Everything it holds can be lost with
 * the process: claims are conditional updates in the database.
 */
import type { Logger } from "../../shared/log.ts";
import type { LeaseGrant } from "../../shared/protocol.ts";
import { matchesSelector, parsePinKey } from "../../shared/selector.ts";
import type { WriteQueue } from "../db/write_queue.ts";
import type { HubMetrics } from "../metrics/hub_metrics.ts";
import { type ClaimedTask, type ClaimTaker, claimTasksForMany } from "../ops/claim_tasks.ts";
import { releaseLease } from "../ops/release_lease.ts";
import { readyPins } from "../queries/ready_pins.ts";
import type { HubCounters } from "./counters.ts";
import type { FamilyRegistry } from "./family_registry.ts";
import type { WorkerLink, WorkerLinks } from "./worker_links.ts";

/** What the dispatcher needs. */
export interface DispatcherDeps {
  queue: WriteQueue;
  registry: FamilyRegistry;
  links: WorkerLinks;
  counters: HubCounters;
  metrics: HubMetrics;
  leaseTtlMs: number;
  now: () => number;
  log: Logger;
}

/** Grants leases to workers with credit. */
export class Dispatcher {
  readonly #d: DispatcherDeps;
  readonly #pins = new Set<string>([""]);
  #dispatching: Promise<void> | null = null;
  #again = false;
  /** Bumped whenever tasks become claimable; starved workers wait for a bump. */
  #readySeq = 0;
  #forced = false;
  #stopped = false;

  constructor(deps: DispatcherDeps) {
    this.#d = deps;
  }

  /** Remembers pins tasks now carry (new tasks, re-pinned tasks, spilled pins). */
  addPins(pins: Iterable<string>): void {
    for (const pin of pins) this.#pins.add(pin);
  }

  /** Adds the pins of every ready task in the database (other hubs' work included). */
  async refreshPins(): Promise<void> {
    this.addPins(await this.#d.queue.read((db) => readyPins(db)));
  }

  /**
   * Asks for a dispatch round soon. `newWork` says tasks became claimable,
   * so workers whose last claim came back short are worth asking again.
   */
  kick(newWork = false): void {
    if (this.#stopped) return;
    if (newWork) this.#readySeq++;
    if (this.#dispatching) {
      this.#again = true;
      return;
    }
    this.#dispatching = this.#loop().finally(() => {
      this.#dispatching = null;
    });
  }

  /**
   * A round that asks every worker with credit, starved or not: backoff
   * timers running out and other hubs' work bump no sequence here.
   */
  force(): void {
    this.#forced = true;
    this.kick();
  }

  /**
   * A worker's credit: `free` slots and `prefetch` leases beyond them, after
   * `grantsSeen` grants on this connection (grants in flight use free slots first).
   */
  credit(link: WorkerLink, free: number, grantsSeen: number, prefetch = 0): void {
    const inFlight = Math.max(0, link.grantsSent - grantsSeen);
    link.free = Math.max(0, free - inFlight);
    link.prefetch = Math.max(0, prefetch - Math.max(0, inFlight - free));
    this.kick();
  }

  /** Stops dispatching; resolves once the round in progress has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    while (this.#dispatching) await this.#dispatching;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      await Promise.resolve();
      const forced = this.#forced;
      this.#forced = false;
      const asking = (l: WorkerLink) =>
        !l.cordoned && (forced || !l.starved || l.lastClaimSeq !== this.#readySeq);
      const links = this.#d.links.all();
      await this.#grant(links.filter((l) => l.free > 0 && asking(l)), false);
      // Then prefetch, for workers with every slot granted (a short claim above marked the rest starved).
      const prefetching = links.filter((l) =>
        (l.prefetch ?? 0) > 0 && l.free === 0 && this.#d.links.isCurrent(l) && asking(l)
      );
      await this.#grant(prefetching, true);
    } while (this.#again && !this.#stopped);
  }

  /**
   * Claims, in one write, for the free slots of `links` (or, `prefetch`,
   * for their prefetch credit), and sends each its grants.
   */
  async #grant(links: WorkerLink[], prefetch: boolean): Promise<void> {
    if (links.length === 0) return;
    const { queue, leaseTtlMs } = this.#d;
    const seq = this.#readySeq;
    const takers = links.map((l) => this.#taker(l, prefetch));
    let claimed: ClaimedTask[][];
    // The time of the claim is when it runs, after whatever was queued
    // before it (completions that free resources among them): a lease never
    // starts, on the record, before the one it replaces ended.
    let now = this.#d.now();
    try {
      claimed = await queue.write((tx) => {
        now = this.#d.now();
        return claimTasksForMany(tx, { now, ttlMs: leaseTtlMs, takers });
      }, { shared: true });
    } catch (error) {
      this.#d.log.error("claim failed", { workers: links.map((l) => l.workerId), error });
      return;
    }
    await Promise.all(links.map((link, i) => {
      link.starved = claimed[i]!.length < takers[i]!.limit;
      link.lastClaimSeq = seq;
      return this.#send(link, claimed[i]!, takers[i]!.region, prefetch, now);
    }));
  }

  #taker(link: WorkerLink, prefetch: boolean): ClaimTaker {
    const batchSizes = new Map<string, number>();
    for (const f of link.families) {
      const size = this.#d.registry.get(f.name, f.version)?.options.batch?.maxSize;
      if (size) batchSizes.set(`${f.name}@${f.version}`, size);
    }
    return {
      workerId: link.workerId,
      region: typeof link.labels.region === "string" ? link.labels.region : undefined,
      pins: [...this.#pins].filter((p) => matchesSelector(link.labels, parsePinKey(p))),
      families: link.families,
      batchSizes,
      limit: prefetch ? link.prefetch ?? 0 : link.free,
    };
  }

  /** Sends `link` its grants; leases it can no longer get go back at once. */
  async #send(
    link: WorkerLink,
    claimed: ClaimedTask[],
    region: string | undefined,
    prefetch: boolean,
    now: number,
  ): Promise<void> {
    const { queue, links, counters, metrics, leaseTtlMs } = this.#d;
    for (const c of claimed) {
      if (links.isCurrent(link) && link.send(grantFrame(c, leaseTtlMs))) {
        if (prefetch) link.prefetch = Math.max(0, (link.prefetch ?? 0) - 1);
        else link.free--;
        link.grantsSent++;
        counters.grants += 1 + (c.batch?.length ?? 0);
        metrics.leasesGranted([c, ...(c.batch ?? [])], region, now);
        continue;
      }
      // The worker went away between claim and send: hand the leases back
      // now rather than after the TTL.
      try {
        const released = await queue.write(async (tx) => {
          let any = false;
          for (const m of [c, ...(c.batch ?? [])]) {
            const reason = "worker disconnected before the grant was sent";
            any = await releaseLease(tx, m.id, m.epoch, reason, this.#d.now(), link.workerId) ||
              any;
          }
          return any;
        });
        if (released) this.kick(true);
      } catch (error) {
        this.#d.log.error("release failed", { workerId: link.workerId, error });
      }
    }
  }
}

/** The `lease.grant` frame of a claim. */
function grantFrame(c: ClaimedTask, ttlMs: number): LeaseGrant {
  return {
    type: "lease.grant",
    kind: c.kind,
    taskId: c.id,
    family: c.family,
    version: c.version,
    params: JSON.parse(c.params),
    attempt: c.attempt,
    epoch: c.epoch,
    ttlMs,
    ...(c.batch?.length
      ? {
        batch: c.batch.map((m) => ({
          taskId: m.id,
          params: JSON.parse(m.params),
          attempt: m.attempt,
          epoch: m.epoch,
        })),
      }
      : {}),
    ...(c.doneDeps ? { doneDeps: c.doneDeps } : {}),
    ...(c.pinnedByRun ? { pinnedByRun: true } : {}),
  };
}
