/**
 * What creating one small file costs on a directory's disk. On our bench
 * machines it varies from about 20 µs to over 1 ms of CPU from one
 * directory to another of the same ext4 file system, and from one minute
 * to the next: on ext4 without a journal the kernel skips inodes deleted in
 * the last minute or more when it allocates one (`recently_deleted` in a
 * profile), so creating files right after many were deleted nearby (a
 * previous bench's clean-up, a test run) costs far more. The bench measures
 * it at its start and in each workload's own output directory after the
 * run, and leaves the probe files in place (deleting them would slow the
 * next workload's files down); they go with the bench's directory.
 */
import { cpuUsage } from "node:process";

/** Files created to measure what one costs. */
export const PROBE_FILES = 500;

/**
 * The CPU (user + system, µs) one new small file costs in `dir` (create,
 * write, close: what every output of the bench does at least once). The
 * probe files stay (see above); `dir` is made if missing.
 */
export function measureFileCreate(dir: string, n = PROBE_FILES): number {
  Deno.mkdirSync(dir, { recursive: true });
  const bytes = new TextEncoder().encode("1\n");
  const paths = Array.from({ length: n }, (_, i) => `${dir}/.probe-${Deno.pid}-${i}`);
  const before = cpuUsage();
  for (const path of paths) {
    const file = Deno.openSync(path, { write: true, create: true, truncate: true });
    file.writeSync(bytes);
    file.close();
  }
  const used = cpuUsage(before);
  return (used.user + used.system) / n;
}

/** Above this (µs), a new file costs enough to hold the bench's figures down. */
export const SLOW_FILE_CREATE_US = 200;

/** What the probe at the bench's start found, with a warning when files are slow to create. */
export function describeStartProbe(us: number): string {
  const line = `At the start, a new small file cost ${
    us.toFixed(0)
  } µs of CPU in the bench's directory.`;
  return us <= SLOW_FILE_CREATE_US ? line : `${line}
Warning: that is slow (over ${SLOW_FILE_CREATE_US} µs), as right after many files were deleted
nearby (a previous bench's clean-up, a test run): the workers' CPU and the throughput
of the first workloads suffer. Wait a few minutes and run again to compare.`;
}
