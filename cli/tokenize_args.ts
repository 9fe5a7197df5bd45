/**
 * The first pass over `drover`'s command line: positionals apart from
 * options, each option matched to its spec (`--name value`, `--name=value`,
 * `-p value`, `--` to end options).
 */
import { OPTIONS, type OptionSpec } from "./command_specs.ts";
import { UsageError } from "./errors.ts";

/** One option as given. */
export interface GivenOption {
  spec: OptionSpec;
  /** How the user spelled it (`--param`, `-p`). */
  spelled: string;
  value: string | null;
}

/** Splits `argv` into positionals and options; throws {@link UsageError} on an unknown option. */
export function tokenizeArgs(
  argv: readonly string[],
): { positionals: string[]; options: GivenOption[] } {
  const positionals: string[] = [];
  const options: GivenOption[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let spelled: string;
    let inline: string | null = null;
    if (token.startsWith("--")) {
      const eq = token.indexOf("=");
      spelled = eq < 0 ? token : token.slice(0, eq);
      inline = eq < 0 ? null : token.slice(eq + 1);
      const name = spelled.slice(2);
      spec = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
    } else if (token.startsWith("-") && token.length > 1) {
      spelled = token;
      spec = Object.values(OPTIONS).find((o) => o.short !== undefined && `-${o.short}` === token);
    } else {
      positionals.push(token);
      continue;
    }
    if (!spec) throw new UsageError(`Unknown option "${spelled}"; see "drover help"`);
    if (spec.kind === "flag") {
      if (inline !== null) {
        throw new UsageError(`Option "${spelled}" takes no value (got "${token}")`);
      }
      options.push({ spec, spelled, value: null });
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === "") {
      throw new UsageError(`Option "${spelled}" needs a value: ${spelled} ${spec.placeholder}`);
    }
    options.push({ spec, spelled, value });
  }
  return { positionals, options };
}

/** Values by option name; a single-valued option given twice is refused. */
export function collectValues(options: readonly GivenOption[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const { spec, spelled, value } of options) {
    const seen = values.get(spec.name);
    if (seen && spec.kind === "value") {
      throw new UsageError(`Option "${spelled}" is given twice ("${seen[0]}", "${value}")`);
    }
    if (seen && value !== null) seen.push(value);
    if (!seen) values.set(spec.name, value === null ? [] : [value]);
  }
  return values;
}
