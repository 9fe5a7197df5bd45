/** The `region` label value metrics give a worker. */

/** A worker's `region` label, or `none` when it has none. */
export function workerRegion(region: string | undefined): string {
  return region === undefined || region === "" ? "none" : region;
}
