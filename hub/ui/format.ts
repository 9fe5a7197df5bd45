/** How the UI writes times and durations: relative for reading, absolute (UTC) on hover. */

/** `2026-11-23 14:05:09 UTC`. */
export function absoluteTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

/** `just now`, `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`; `in 5 min` for the future. */
export function relativeTime(ms: number, now: number): string {
  const delta = now - ms;
  if (Math.abs(delta) < 2_000) return "just now";
  const text = duration(Math.abs(delta), true);
  return delta > 0 ? `${text} ago` : `in ${text}`;
}

/** `850 ms`, `12.3 s`, `5 min 2 s`, `3 h 4 min`, `2 d 5 h`; `coarse` drops the second unit. */
export function duration(ms: number, coarse = false): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = ms / 1_000;
  if (s < 60) {
    if (coarse || Number.isInteger(s)) return `${Math.floor(s)} s`;
    return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  }
  const units: Array<[string, number]> = [["d", 86_400], ["h", 3_600], ["min", 60], ["s", 1]];
  const i = units.findIndex(([, size]) => s >= size);
  const [big, bigSize] = units[i]!;
  const [small, smallSize] = units[i + 1]!;
  const whole = Math.floor(s / bigSize);
  const rest = Math.floor((s - whole * bigSize) / smallSize);
  return coarse || rest === 0 ? `${whole} ${big}` : `${whole} ${big} ${rest} ${small}`;
}

/** `1 worker`, `3 workers`: a count and its noun. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
