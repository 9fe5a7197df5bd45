/** A worker's identity, fresh or kept in its state directory across restarts. */
import { atomicWrite } from "../shared/targets/local_target.ts";

/** A fresh worker id. */
export function newWorkerId(): string {
  return `w_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/**
 * The worker's id, kept in its state directory: the hub only accepts results
 * and renewals from a lease's holder, so a restarted worker must still be the
 * same worker to deliver what its outbox holds. (One state directory per
 * worker process.)
 */
export async function persistentWorkerId(stateDir: string): Promise<string> {
  const path = `${stateDir}/worker-id`;
  try {
    const id = (await Deno.readTextFile(path)).trim();
    if (/^w_[0-9a-f]{16}$/.test(id)) return id;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const id = newWorkerId();
  await atomicWrite(path, id + "\n");
  return id;
}
