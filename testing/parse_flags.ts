/**
 * The argument convention of the scripts and the benchmark: `node:util`
 * `parseArgs`, with every problem of a command line reported at once (the
 * CLI parses its own).
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** One option: a string or a boolean flag. */
export interface FlagOption {
  type: "string" | "boolean";
  short?: string;
  default?: string | boolean;
}

/** The options of a command line, by long name. */
export type FlagOptions = Record<string, FlagOption>;

/** The values of `O`: booleans, strings with a default, and strings that may be missing. */
export type FlagValues<O extends FlagOptions> = {
  [K in keyof O]: O[K]["type"] extends "boolean" ? boolean
    : O[K] extends { default: string } ? string
    : string | undefined;
};

/** A parsed command line. */
export interface ParsedFlags<O extends FlagOptions> {
  values: FlagValues<O>;
  /** The arguments that are not options, before any `--`. */
  positionals: string[];
  /** Everything after `--`, as given. */
  rest: string[];
  /** Every problem found, one message each; the caller adds its own. */
  problems: string[];
}

/**
 * Parses `args` (`--name value`, `--name=value`, `-n value`, booleans as
 * `--name`) without stopping at the first problem: an unknown option, a
 * string option without a value, a boolean given one.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./parse_flags.ts";
 * const { values, problems } = parseFlags(["--tasks", "5", "--nope"], {
 *   tasks: { type: "string", default: "1" },
 * });
 * console.assert(values.tasks === "5" && problems[0] === 'Unknown option "--nope"');
 * ```
 */
export function parseFlags<O extends FlagOptions>(
  args: readonly string[],
  options: O,
): ParsedFlags<O> {
  const { tokens } = parseArgs({
    args: [...args],
    options: options as ParseArgsOptionsConfig,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, option] of Object.entries(options)) {
    values[name] = option.default ?? (option.type === "boolean" ? false : undefined);
  }
  const positionals: string[] = [];
  const problems: string[] = [];
  let rest: string[] = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator") {
      rest = args.slice(token.index + 1);
      break;
    }
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!option) {
      problems.push(`Unknown option "${token.rawName}"`);
    } else if (option.type === "boolean") {
      if (token.inlineValue) problems.push(`${token.rawName} takes no value`);
      else values[token.name] = true;
    } else if (
      token.value === undefined || token.value === "" ||
      (!token.inlineValue && token.value.startsWith("-"))
    ) {
      problems.push(`${token.rawName} needs a value`);
    } else {
      values[token.name] = token.value;
    }
  }
  return { values: values as FlagValues<O>, positionals, rest, problems };
}

/**
 * The whole number in `text`, the value of `flag`; when it is not one from
 * `min` to `max`, a problem naming the flag and the value is added (and
 * NaN returned).
 *
 * @example
 * ```ts
 * import { wholeNumber } from "./parse_flags.ts";
 * const problems: string[] = [];
 * console.assert(wholeNumber(problems, "--tasks", "12", 1) === 12 && problems.length === 0);
 * wholeNumber(problems, "--tasks", "1.5", 1);
 * console.assert(problems[0] === '--tasks needs a whole number, not "1.5"');
 * ```
 */
export function wholeNumber(
  problems: string[],
  flag: string,
  text: string | undefined,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    problems.push(`${flag} needs a whole number, not ${JSON.stringify(text ?? null)}`);
    return NaN;
  }
  if (value < min) problems.push(`${flag} must be at least ${min}, not ${value}`);
  else if (value > max) problems.push(`${flag} must be at most ${max}, not ${value}`);
  return value;
}

/**
 * Throws a TypeError whose message is every problem, one per line, then
 * `usage`; nothing when there is no problem.
 *
 * @throws TypeError when `problems` is not empty.
 */
export function throwIfProblems(problems: readonly string[], usage: string): void {
  if (problems.length > 0) throw new TypeError(`${problems.join("\n")}\n${usage}`);
}
