/** A worker's hello: its row, and the leases it says it still holds. */
import { sql } from "drizzle-orm";
import type { HelloFrame } from "../../shared/protocol.ts";
import type { Tx } from "../db/client.ts";
import { extendLeases, type RefusedRenewal } from "./steps/extend_leases.ts";

/** What the hub knows of a worker right after its hello. */
export interface RegisteredWorker {
  cordoned: boolean;
  draining: boolean;
  /** Leases it listed that could not be renewed, with the reason. */
  refused: RefusedRenewal[];
}

/**
 * Upserts the worker's row (connected to `hubId`, keeping its cordon and
 * drain flags), renews the leases it listed, and expires at once those it
 * holds but did not list (grants lost in flight, tasks of a killed
 * predecessor with the same id) so the reaper hands them out now instead of
 * after the TTL. One transaction: a reconnecting worker never sees its
 * listed leases reaped between the row update and the renewal.
 */
export async function registerWorker(
  tx: Tx,
  w: {
    hello: HelloFrame;
    /** `name@version#schemaHash` of each family it runs. */
    families: readonly string[];
    hubId: string;
    now: number;
    ttlMs: number;
  },
): Promise<RegisteredWorker> {
  const { hello, now } = w;
  const [flags] = await tx.all<{ cordoned: number; draining: number }>(sql`
    INSERT INTO workers (id, name, labels, version, slots, families, hub_id, state,
      connected_at, last_seen_at)
    VALUES (${hello.workerId}, ${hello.name}, ${JSON.stringify(hello.labels)}, ${hello.version},
      ${hello.slots}, ${JSON.stringify(w.families)}, ${w.hubId}, 'connected', ${now}, ${now})
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, labels = excluded.labels,
      version = excluded.version, slots = excluded.slots, families = excluded.families,
      hub_id = excluded.hub_id, state = 'connected', connected_at = excluded.connected_at,
      last_seen_at = excluded.last_seen_at
    RETURNING cordoned, draining`);
  const listed = hello.leases.map((l) => sql`${l.taskId}`);
  await tx.run(sql`
    UPDATE tasks SET lease_expires_at = ${now - 1}
    WHERE state = 'leased' AND lease_owner = ${hello.workerId}
      ${listed.length > 0 ? sql`AND id NOT IN (${sql.join(listed, sql`, `)})` : sql``}`);
  const refused = hello.leases.length > 0
    ? await extendLeases(tx, hello.workerId, hello.leases, now, w.ttlMs)
    : [];
  return { cordoned: Boolean(flags?.cordoned), draining: Boolean(flags?.draining), refused };
}
