/** A whole HTML page as a response: the doctype (standards mode), then the rendered JSX. */
import type { Context } from "hono";
import { html } from "hono/html";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Answers with `<!DOCTYPE html>` and `page`. */
export function htmlPage(
  c: Context,
  page: JSX.Element,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  return c.html(html`<!DOCTYPE html>${page}`, status);
}
