/**
 * The first pass over `drover`'s command line, on `node:util`'s `parseArgs`:
 * positionals apart from options (`--name value`, `--name=value`, `-p value`,
 * `-pvalue`, `--` to end options), each option matched to its spec in
 * `option_specs.ts`. The checks and messages are drover's own.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { type CommandSpec, findCommand, GLOBAL_OPTIONS, OPTIONS } from "./command_specs.ts";
import type { OptionSpec } from "./option_specs.ts";
import { UsageError } from "./errors.ts";

/** One option as given. */
export interface GivenOption {
  /** Its key in `OPTIONS`, as command specs list it. */
  key: string;
  spec: OptionSpec;
  /** How the user spelled it (`--param`, `-p`). */
  spelled: string;
  value: string | null;
}

/** An option spec with its key in `OPTIONS`. */
interface KeyedSpec {
  key: string;
  spec: OptionSpec;
}

/**
 * Splits `argv` into positionals and options; throws {@link UsageError} on an
 * unknown option, a flag given a value or an option missing its value.
 */
export function tokenizeArgs(
  argv: readonly string[],
): { positionals: string[]; options: GivenOption[] } {
  // Two options may share a name (`--run RUN_ID` of tasks, the `--run` flag of
  // retry): the command, the first positional, says which one is meant.
  const first = tokensOf(argv, specsFor(undefined)).find((t) => t.kind === "positional");
  const specs = specsFor(first?.kind === "positional" ? findCommand(first.value) : undefined);
  const positionals: string[] = [];
  const options: GivenOption[] = [];
  for (const token of tokensOf(argv, specs)) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const spelled = token.rawName;
    const known = specs.get(token.name);
    const isShort = !spelled.startsWith("--");
    if (!known || (isShort && `-${known.spec.short}` !== spelled)) {
      throw new UsageError(`Unknown option "${spelled}"; see "drover help"`);
    }
    const { key, spec } = known;
    if (spec.kind === "flag") {
      if (token.value !== undefined) {
        throw new UsageError(`Option "${spelled}" takes no value (got "${argv[token.index]}")`);
      }
      options.push({ key, spec, spelled, value: null });
      continue;
    }
    if (token.value === undefined || token.value === "") {
      throw new UsageError(`Option "${spelled}" needs a value: ${spelled} ${spec.placeholder}`);
    }
    options.push({ key, spec, spelled, value: token.value });
  }
  return { positionals, options };
}

/** Values by option key; a single-valued option given twice is refused. */
export function collectValues(options: readonly GivenOption[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const { key, spec, spelled, value } of options) {
    const seen = values.get(key);
    if (seen && spec.kind === "value") {
      throw new UsageError(`Option "${spelled}" is given twice ("${seen[0]}", "${value}")`);
    }
    if (seen && value !== null) seen.push(value);
    if (!seen) values.set(key, value === null ? [] : [value]);
  }
  return values;
}

/**
 * The option each name stands for in `command`: the command's own (or a
 * global one) first, else the first in `OPTIONS` (which the command will
 * refuse, but with its value read the way that option takes it).
 */
function specsFor(command: CommandSpec | undefined): Map<string, KeyedSpec> {
  const own = new Set<string>([...GLOBAL_OPTIONS, ...(command?.options ?? [])]);
  const byName = new Map<string, KeyedSpec>();
  for (const [key, spec] of Object.entries(OPTIONS)) {
    if (own.has(key) || !byName.has(spec.name)) byName.set(spec.name, { key, spec });
  }
  return byName;
}

/** `parseArgs`' tokens of `argv` with `specs` as its options, unknown ones let through. */
function tokensOf(argv: readonly string[], specs: ReadonlyMap<string, KeyedSpec>) {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, { spec }] of specs) {
    options[name] = {
      type: spec.kind === "flag" ? "boolean" : "string",
      ...(spec.short === undefined ? {} : { short: spec.short }),
    };
  }
  return parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  }).tokens;
}
