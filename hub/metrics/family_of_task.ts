/** A task's family from its id, for a metric label, without reading the database. */

/**
 * The longest of `families` (those a worker runs) whose name prefixes
 * `taskId` (ids are `<family>_…`), else `unknown`: a bounded label for a
 * report about a task the database no longer leases to that worker.
 */
export function familyOfTask(
  taskId: string,
  families: readonly { name: string }[],
): string {
  let best: string | null = null;
  for (const f of families) {
    if (taskId.startsWith(`${f.name}_`) && f.name.length > (best?.length ?? -1)) best = f.name;
  }
  return best ?? "unknown";
}
