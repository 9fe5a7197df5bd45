/**
 * Data contracts: a zod schema for the records a task reads or writes, and a
 * validator for JSON-lines files that fails with a `PermanentError` naming
 * the first bad record and field (bad data does not get better on retry).
 *
 * @module
 */
import type { z } from "zod";
import { PermanentError } from "./errors.ts";

/**
 * Parses and validates JSON-lines `text` record by record.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { validateJsonLines } from "./contract.ts";
 * const Event = z.object({ user: z.int(), kind: z.enum(["view", "buy"]) });
 * const rows = validateJsonLines('{"user":1,"kind":"view"}\n', Event, "events.jsonl");
 * console.assert(rows.length === 1);
 * ```
 */
export function validateJsonLines<S extends z.ZodType>(
  text: string,
  schema: S,
  name = "input",
): z.output<S>[] {
  const records: z.output<S>[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new PermanentError(
        `Record on line ${i + 1} of ${name} is not JSON: ${(cause as Error).message}`,
        { cause },
      );
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = issue.path.length ? issue.path.join(".") : "(record)";
      throw new PermanentError(
        `Record on line ${i + 1} of ${name} breaks its contract: ${field}: ${issue.message}`,
      );
    }
    records.push(result.data);
  }
  return records;
}

/**
 * Reads a JSON-lines file and validates it with {@link validateJsonLines}.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { readJsonLines } from "./contract.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/e.jsonl`, '{"n":1}\n{"n":2}\n');
 * const rows = await readJsonLines(`${dir}/e.jsonl`, z.object({ n: z.int() }));
 * console.assert(rows.length === 2);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readJsonLines<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S>[]> {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return validateJsonLines(await Deno.readTextFile(path), schema, name);
}

/**
 * Serialises records as JSON lines after validating each against `schema`
 * (a task never writes data that breaks its own contract).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { toJsonLines } from "./contract.ts";
 * console.assert(toJsonLines([{ n: 1 }], z.object({ n: z.int() })) === '{"n":1}\n');
 * ```
 */
export function toJsonLines<S extends z.ZodType>(
  records: readonly unknown[],
  schema: S,
  name = "output",
): string {
  return records.map((record, i) => {
    const result = schema.safeParse(record);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new PermanentError(
        `Record ${i + 1} written to ${name} breaks its contract: ${
          issue.path.join(".") || "(record)"
        }: ${issue.message}`,
      );
    }
    return JSON.stringify(result.data) + "\n";
  }).join("");
}
