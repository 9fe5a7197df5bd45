import type { Context } from "hono";
import type { z } from "zod";
import { HttpError } from "./http_error.ts";

/** Largest request body the admin API reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body and parses it with `schema`; a 400 names the first bad field. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/json")) {
    throw new HttpError(415, "unsupported_media_type", 'Send the body as "application/json"');
  }
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) {
    throw new HttpError(
      413,
      "body_too_large",
      `Body of ${text.length} bytes is over ${MAX_BODY_BYTES}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, "bad_json", `Body is not valid JSON: ${(cause as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join(".") || "(body)";
    throw new HttpError(400, "invalid_body", `Invalid field "${field}": ${issue.message}`, {
      field,
    });
  }
  return result.data;
}

/** Like {@link parseBody}, for routes whose body may be left out (`{}` then). */
export async function parseOptionalBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<z.output<S>> {
  const length = Number(c.req.header("content-length") ?? "0");
  if (!c.req.header("content-type") && length === 0) {
    const result = schema.safeParse({});
    if (result.success) return result.data;
  }
  return await parseBody(c, schema);
}
