/** One API route's declaration: what the router mounts and the OpenAPI description says. */
import type { z } from "zod";
import type { TokenRole } from "../../shared/api_schemas_admin.ts";

/** An HTTP method the API uses. */
export type Method = "get" | "post" | "put" | "delete";

/** One route's declaration. */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** OpenAPI-style path: `/api/runs/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Roles allowed; empty for a public route (no token needed). */
  allow: readonly TokenRole[];
  params?: P;
  query?: Q;
  body?: B;
  /** The body may be left out (it is parsed as `{}` then). */
  bodyOptional?: boolean;
  /** The success status, and the schema and media type (default JSON) of its body. */
  response: {
    status: 101 | 200 | 201;
    description: string;
    schema?: z.ZodType;
    mediaType?: string;
  };
  /** Error statuses besides 400/401/403, which are documented where they apply. */
  errors?: readonly (404 | 409 | 503)[];
  /** The audit action (`run.submit`): every mutating route has one. */
  audit?: string;
}
