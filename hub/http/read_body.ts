/**
 * Request bodies: at most {@link MAX_BODY_BYTES} bytes (Hono's `bodyLimit`,
 * which counts bytes as they arrive, before anything is parsed), JSON only,
 * parsed with the route's zod schema. Errors name what is wrong.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { RequestError } from "../core/request_error.ts";

/** Largest request body the admin API reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The middleware that refuses a body over {@link MAX_BODY_BYTES} with a 413. */
export function limitBody(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new RequestError(
        413,
        "body_too_large",
        `Body is over the limit of ${MAX_BODY_BYTES} bytes`,
      );
    },
  });
}

/**
 * Reads a JSON body and parses it with `schema`; a 400 names the first bad
 * field. With `optional`, a request without a body is parsed as `{}`.
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  optional = false,
): Promise<z.output<S>> {
  const type = c.req.header("content-type");
  if (optional && !type && Number(c.req.header("content-length") ?? "0") === 0) {
    const result = schema.safeParse({});
    if (result.success) return result.data;
  }
  if (!(type ?? "").includes("application/json")) {
    throw new RequestError(415, "unsupported_media_type", 'Send the body as "application/json"');
  }
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch (cause) {
    throw new RequestError(400, "bad_json", `Body is not valid JSON: ${(cause as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join(".") || "(body)";
    throw new RequestError(400, "invalid_body", `Invalid field "${field}": ${issue.message}`, {
      field,
    });
  }
  return result.data;
}

/**
 * The raw bytes of a request's body, at most {@link MAX_BODY_BYTES} (a 413
 * past that, counted as they arrive): for a body that must be checked as
 * sent, such as a signed webhook delivery.
 */
export async function readRawBody(c: Context): Promise<Uint8Array> {
  const tooLarge = () =>
    new RequestError(413, "body_too_large", `Body is over the limit of ${MAX_BODY_BYTES} bytes`);
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const reader = c.req.raw.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
