/** Ids the hub makes: a prefix that says what it names, and 80 random bits in hex. */

/** A fresh id: `run_…` for runs, `bf_…` for backfills, `sch_…` for schedules, `hook_…` for webhooks. */
export function newId(prefix: "run" | "bf" | "sch" | "hook" | "trg"): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
}
