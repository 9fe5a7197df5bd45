/**
 * CPU time of a child process, from Linux's `/proc/<pid>/stat`; elsewhere
 * the figure is simply missing.
 */

/** `/proc` reports CPU time in clock ticks of 1/100 s (USER_HZ) on Linux. */
const TICKS_PER_SECOND = 100;

/**
 * User plus system CPU seconds from the text of a `/proc/<pid>/stat` file.
 * The command name sits in parentheses and may hold spaces or parentheses,
 * so fields are counted from the last `)`.
 *
 * @throws TypeError when the text does not have the fields of that format.
 */
export function parseProcStatCpuSeconds(text: string, ticksPerSecond = TICKS_PER_SECOND): number {
  const close = text.lastIndexOf(")");
  // After the name: field 3 (state) first, so utime (field 14) is at index 11, stime at 12.
  const fields = close < 0 ? [] : text.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || fields.length < 13) {
    throw new TypeError(`Not a /proc/<pid>/stat line: "${text.slice(0, 80)}"`);
  }
  return (utime + stime) / ticksPerSecond;
}

/** CPU seconds `pid` has used so far, or null where `/proc` cannot tell. */
export function processCpuSeconds(pid: number): number | null {
  try {
    return parseProcStatCpuSeconds(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return null;
  }
}
