/**
 * When a schedule fires: its nominal times (cron in an IANA time zone, by
 * `croner`, or a fixed interval), and which of the times due at a moment it
 * fires, by its catch-up policy. Pure: the clock is an argument.
 *
 * Daylight saving, as `croner` computes it (`schedule_times_test.ts`):
 * - a local time that does not exist (02:30 on the spring-forward day in
 *   Europe/Berlin) fires once, at the first instant after the gap (03:00);
 * - a local time that exists twice (02:30 on the fall-back day) fires once,
 *   at its first occurrence;
 * - an hourly schedule fires once per real hour: 23 times on the
 *   spring-forward day, 25 on the fall-back day.
 * A fixed interval ignores zones: every `intervalMs` from its anchor.
 */
import { Cron } from "croner";

/** When a schedule's nominal times fall. */
export interface ScheduleTiming {
  /** A cron expression: 5 fields, or 6 with seconds first; or a nickname (`@daily`). */
  cron: string | null;
  /** Or a fixed interval (ms) from `anchorAt`. */
  intervalMs: number | null;
  /** The IANA zone the cron expression and the date parameters are read in. */
  zone: string;
  /** No nominal time before this (ms); for an interval, its first time. */
  startAt: number | null;
  /** No nominal time after this (ms). */
  endAt: number | null;
  /** An interval's first time when `startAt` is null: the schedule's creation. */
  anchorAt: number;
}

/** Which missed times a schedule fires when it fires late (after an outage). */
export type CatchUp =
  | { mode: "none" }
  | { mode: "latest" }
  | { mode: "all"; windowMs: number; max: number };

/** Shortest interval, and how late a time may fire and still count as on time. */
export const MIN_INTERVAL_MS = 1_000;
export const ON_TIME_MS = 60_000;
/** Most nominal times looked at in one call (an every-second schedule after a day's outage). */
const LOOK_LIMIT = 10_000;

/** What is wrong with `t`, or null: a clear message naming the field. */
export function timingProblem(t: ScheduleTiming): string | null {
  if ((t.cron === null) === (t.intervalMs === null)) {
    return "give either cron or intervalMs, not both or neither";
  }
  if (!validZone(t.zone)) return `zone "${t.zone}" is not an IANA time zone`;
  if (t.startAt !== null && t.endAt !== null && t.endAt <= t.startAt) {
    return "endAt must be after startAt";
  }
  if (t.intervalMs !== null) {
    if (!Number.isSafeInteger(t.intervalMs) || t.intervalMs < MIN_INTERVAL_MS) {
      return `intervalMs must be a whole number of at least ${MIN_INTERVAL_MS}`;
    }
    return null;
  }
  const fields = t.cron!.trim().split(/\s+/);
  if (!t.cron!.trim().startsWith("@") && fields.length !== 5 && fields.length !== 6) {
    return `cron "${t.cron}" must have 5 fields (minute hour day month weekday) or 6 (seconds first)`;
  }
  try {
    if (!cronOf(t).nextRun(new Date(t.startAt ?? t.anchorAt))) {
      return `cron "${t.cron}" never fires` + (t.endAt !== null ? " before endAt" : "");
    }
  } catch (error) {
    return `cron "${t.cron}": ${(error as Error).message.replace(/^CronPattern: /, "")}`;
  }
  return null;
}

/** Up to `n` nominal times strictly after `after`, within the bounds. */
export function nextTimes(t: ScheduleTiming, after: number, n: number): number[] {
  const out: number[] = [];
  if (t.intervalMs !== null) {
    const anchor = t.startAt ?? t.anchorAt;
    let k = after < anchor ? 0 : Math.floor((after - anchor) / t.intervalMs) + 1;
    while (out.length < n) {
      const at = anchor + k++ * t.intervalMs;
      if (t.endAt !== null && at > t.endAt) break;
      out.push(at);
    }
    return out;
  }
  const from = t.startAt !== null && after < t.startAt ? t.startAt - 1 : after;
  for (const d of cronOf(t).nextRuns(n, new Date(from))) {
    const at = d.getTime();
    if (t.endAt !== null && at > t.endAt) break;
    out.push(at);
  }
  return out;
}

/** What a schedule fires at `now`, having fired every nominal time up to `last`. */
export interface DueTimes {
  /** The nominal times to fire now, oldest first. */
  fire: number[];
  /** Nominal times passed over by the catch-up policy (counted up to 10,000). */
  missed: number;
  /** The newest nominal time now behind the schedule (fired or passed over), or `last`. */
  through: number;
}

/**
 * The nominal times in `(last, now]`, and which of them fire: those at most
 * {@link ON_TIME_MS} late always do; of the later ones, none (`none`), the
 * newest (`latest`), or the newest `max` within `windowMs` of now (`all`).
 */
export function dueTimes(t: ScheduleTiming, last: number, now: number, catchUp: CatchUp): DueTimes {
  // At one time a second, a minute's on-time times; and what catch-up may take.
  const recent = recentDue(t, last, now, (catchUp.mode === "all" ? catchUp.max : 1) + 64);
  if (recent.length === 0) return { fire: [], missed: 0, through: last };
  const onTime = recent.filter((at) => now - at <= ON_TIME_MS);
  let caught: number[] = [];
  if (catchUp.mode === "latest" && onTime.length === 0) caught = [recent.at(-1)!];
  if (catchUp.mode === "all") {
    caught = recent.filter((at) => now - at > ON_TIME_MS && now - at <= catchUp.windowMs)
      .slice(-catchUp.max);
  }
  const fire = [...new Set([...caught, ...onTime])].sort((a, b) => a - b);
  return {
    fire,
    missed: Math.max(0, countDue(t, last, now) - fire.length),
    through: recent.at(-1)!,
  };
}

/** Up to `k` of the newest nominal times in `(last, now]`, oldest first. */
function recentDue(t: ScheduleTiming, last: number, now: number, k: number): number[] {
  const first = Math.max(last + 1, t.startAt ?? -Infinity);
  const top = t.endAt === null ? now : Math.min(now, t.endAt);
  if (top < first) return [];
  const out: number[] = [];
  if (t.intervalMs !== null) {
    const anchor = t.startAt ?? t.anchorAt;
    if (top < anchor) return [];
    for (
      let at = anchor + Math.floor((top - anchor) / t.intervalMs) * t.intervalMs;
      out.length < k && at >= first;
      at -= t.intervalMs
    ) {
      out.push(at);
    }
  } else {
    for (const d of cronOf(t).previousRuns(k, new Date(top + 1))) {
      if (d.getTime() < first) break;
      out.push(d.getTime());
    }
  }
  return out.sort((a, b) => a - b);
}

/** How many nominal times fall in `(last, now]`, counted up to the look limit. */
function countDue(t: ScheduleTiming, last: number, now: number): number {
  let n = 0;
  for (let cursor = last; n < LOOK_LIMIT;) {
    const batch = nextTimes(t, cursor, 256).filter((at) => at <= now);
    n += batch.length;
    if (batch.length < 256) break;
    cursor = batch.at(-1)!;
  }
  return Math.min(n, LOOK_LIMIT);
}

function cronOf(t: ScheduleTiming): Cron {
  return new Cron(t.cron!, {
    timezone: t.zone,
    paused: true,
    ...(t.endAt !== null ? { stopAt: new Date(t.endAt) } : {}),
  });
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** A nominal time as the date (`YYYY-MM-DD`) and the local date-time with offset, in `zone`. */
export function nominalParts(at: number, zone: string): { date: string; datetime: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "longOffset",
    }).formatToParts(new Date(at)).map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : parts.timeZoneName!.slice(3);
  return { date, datetime: `${date}T${parts.hour}:${parts.minute}:${parts.second}${offset}` };
}
