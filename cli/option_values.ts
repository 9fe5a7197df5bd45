/**
 * Converts option and argument values of `drover`'s command line, each
 * failure a {@link UsageError} that quotes the bad value.
 */
import { type Labels, type Selector, selectorSchema } from "../shared/selector.ts";
import { parseLabels } from "../worker/config.ts";
import { UsageError } from "./errors.ts";

/** A positive integer `--limit`, or null when not given. */
export function parseLimit(text: string | null): number | null {
  if (text === null) return null;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`Option "--limit" needs a positive integer, got "${text}"`);
  }
  return n;
}

/** An integer within [min, max] named `what` (`Option "--priority"`), or null when not given. */
export function parseInteger(
  what: string,
  text: string | null,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | null {
  if (text === null) return null;
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    const subject = what.startsWith("--") ? `Option "${what}"` : what;
    throw new UsageError(`${subject} needs an integer ${range}, got "${text}"`);
  }
  return n;
}

/** A real day written YYYY-MM-DD. */
export function parseDate(option: string, text: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  // Date.parse rolls 2026-02-30 over to March: a real day prints back as itself.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new UsageError(`Option "${option}" needs a day as YYYY-MM-DD, got "${text}"`);
  }
  return text;
}

/** One of `choices` (`what` is `Option "--state"` or `Role`), or null when not given. */
export function parseChoice<const C extends string>(
  what: string,
  text: string | null,
  choices: readonly C[],
): C | null {
  if (text === null) return null;
  const choice = choices.find((c) => c === text);
  if (choice === undefined) {
    throw new UsageError(`${what} got "${text}"; use one of: ${choices.join(", ")}`);
  }
  return choice;
}

/**
 * The label selector of repeated `--pin LABEL=VALUE`: one value pins the
 * label to it, several (repeated, or `a,b`) to any of them (`{ in: [...] }`).
 * Null when no `--pin` was given.
 */
export function parsePins(texts: readonly string[]): Selector | null {
  if (texts.length === 0) return null;
  const byLabel = new Map<string, string[]>();
  for (const text of texts) {
    const eq = text.indexOf("=");
    const label = text.slice(0, eq).trim();
    const values = text.slice(eq + 1).split(",").map((v) => v.trim()).filter(Boolean);
    if (eq < 0 || label === "" || values.length === 0) {
      throw new UsageError(`Invalid --pin "${text}": expected LABEL=VALUE, e.g. region=eu-west`);
    }
    for (const value of values) {
      // Each pair alone, so the message can quote the one that is wrong.
      const checked = selectorSchema.safeParse({ [label]: value });
      if (!checked.success) {
        const issue = checked.error.issues[0];
        const why = issue?.code === "invalid_key"
          ? "label names are lowercase identifiers"
          : issue?.message ?? "invalid";
        throw new UsageError(`Invalid --pin "${label}=${value}": ${why}`);
      }
      const seen = byLabel.get(label) ?? [];
      if (!seen.includes(value)) seen.push(value);
      byLabel.set(label, seen);
    }
  }
  const pin: Selector = {};
  for (const [label, values] of byLabel) {
    pin[label] = values.length === 1 ? values[0]! : { in: values };
  }
  return pin;
}

/**
 * The labels of `--scope region=eu-west,zone=b`, written as a worker's
 * `DROVER_WORKER_LABELS` are (and parsed by the same function).
 */
export function parseScope(text: string): Labels {
  try {
    return parseLabels(text);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const reason = error.message.replace(/^Invalid labels? "[^"]*": /, "");
    throw new UsageError(`Invalid --scope "${text}": ${reason} (e.g. region=eu-west)`, {
      cause: error,
    });
  }
}

const POINTER = /^(\/([^~/]|~[01])*)+$/;

/** A JSON pointer (RFC 6901) given to `option`, or null when not given. */
export function parsePointer(option: string, text: string | null): string | null {
  if (text !== null && !POINTER.test(text)) {
    throw new UsageError(
      `Option "${option}" takes a JSON pointer such as /event/id, not "${text}"`,
    );
  }
  return text;
}

/** `--map PARAM=/POINTER` values, as `{ PARAM: "/POINTER" }`. */
export function parseMapping(texts: readonly string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const text of texts) {
    const eq = text.indexOf("=");
    if (eq < 1 || !POINTER.test(text.slice(eq + 1))) {
      throw new UsageError(
        `Option "--map" takes PARAM=/json/pointer, e.g. day=/release/day, not "${text}"`,
      );
    }
    mapping[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return mapping;
}
