/**
 * What creating one small file costs on a directory's disk. On our bench
 * machines it varies from about 20 µs to over 1 ms of CPU from one
 * directory to another of the same ext4 file system (where the kernel looks
 * for a free inode near the directory), so the bench measures it in each
 * workload's own output directory, after the run.
 */
import { cpuUsage } from "node:process";

/** Files created to measure what one costs. */
export const PROBE_FILES = 500;

/**
 * The CPU (user + system, µs) one new small file costs in `dir` (create,
 * write, close: what every output of the bench does at least once). The
 * probe files are removed; `dir` is made if missing and left in place.
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
  for (const path of paths) Deno.removeSync(path);
  return (used.user + used.system) / n;
}
