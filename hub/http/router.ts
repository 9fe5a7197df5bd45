/**
 * Every API route is declared once, here-shaped: method, path, who may call
 * it, the zod schemas of its path, query, body and response, and its audit
 * action. From that one declaration the router mounts the handler (with
 * authentication, role checks, parsing and the audit entry) and writes the
 * OpenAPI description, so the two cannot drift apart.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import { HttpError } from "./http_error.ts";
import type { Scheduler } from "../core/scheduler.ts";
import type { TokenInfo, TokenRole } from "../ops/tokens.ts";
import type { Logger } from "../../shared/log.ts";
import { type AuditNote, writeAudit } from "./audit.ts";
import { authenticate } from "./authenticate.ts";
import { parseBody, parseOptionalBody } from "./parse_body.ts";
import { PROBLEM_TYPE, problemSchema } from "./problem.ts";

type Method = "get" | "post" | "put" | "delete";

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

/** What a handler receives besides the context. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The caller's token; null on public routes. */
  token: TokenInfo | null;
  /** Set the audit entry's target and detail. */
  audit: AuditNote;
}

/** What routes need. */
export interface RouterDeps {
  scheduler: Scheduler;
  log: Logger;
}

/** Mounts declared routes on an app and describes them in its OpenAPI registry. */
export class ApiRouter {
  /** Every route declared, in order. */
  readonly specs: RouteSpec[] = [];

  constructor(readonly app: OpenAPIHono, readonly deps: RouterDeps) {
    app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
      type: "http",
      scheme: "bearer",
      description: "A Drover token (`drv_tok_…`); its role decides what it may do",
    });
  }

  /** Declares a route and mounts `handler` for it. */
  route<
    P extends z.ZodType = z.ZodType,
    Q extends z.ZodType = z.ZodType,
    B extends z.ZodType = z.ZodType,
  >(
    spec: RouteSpec<P, Q, B>,
    handler: (
      c: Context,
      input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>,
    ) => Promise<Response> | Response,
  ): void {
    this.specs.push(spec as unknown as RouteSpec);
    this.describe(spec);
    const honoPath = spec.path.replaceAll(/\{(\w+)\}/g, ":$1");
    this.app.on(spec.method.toUpperCase(), honoPath, async (c) => {
      const { scheduler, log } = this.deps;
      let token: TokenInfo | null = null;
      const audit: AuditNote = { detail: {} };
      try {
        if (spec.allow.length > 0) {
          token = await authenticate(c, scheduler);
          if (!spec.allow.includes(token.role)) {
            throw new HttpError(
              403,
              "forbidden",
              `A ${token.role} token cannot ${lowerFirst(spec.summary)}: ` +
                `that needs ${spec.allow.join(" or ")}`,
            );
          }
        }
        const params = parseWith(spec.params, c.req.param(), "invalid_path", "path parameter");
        const query = parseWith(spec.query, c.req.query(), "invalid_query", "query parameter");
        const body = spec.body
          ? await (spec.bodyOptional ? parseOptionalBody : parseBody)(c, spec.body)
          : undefined;
        audit.target ??= firstParam(c);
        const response = await handler(c, {
          params: params as z.output<P>,
          query: query as z.output<Q>,
          body: body as z.output<B>,
          token,
          audit,
        });
        if (spec.audit) await this.record(spec.audit, token, audit, response.status);
        return response;
      } catch (error) {
        if (spec.audit && !(error instanceof HttpError && error.status === 401)) {
          const status = error instanceof HttpError ? error.status : 500;
          audit.target ??= firstParam(c);
          if (error instanceof HttpError) audit.detail.code = error.code;
          try {
            await this.record(spec.audit, token, audit, status);
          } catch (auditError) {
            log.error("audit write failed", { action: spec.audit, error: auditError });
          }
        }
        throw error;
      }
    });
  }

  private async record(action: string, token: TokenInfo | null, note: AuditNote, status: number) {
    const { scheduler } = this.deps;
    await scheduler.queue.write((tx) =>
      writeAudit(tx, {
        at: scheduler.now(),
        token,
        action,
        target: note.target ?? null,
        outcome: status < 400 ? "ok" : status === 403 ? "denied" : "failed",
        status,
        detail: note.detail,
      })
    );
  }

  private describe(spec: RouteSpec): void {
    const problem = (description: string) => ({
      description,
      content: { [PROBLEM_TYPE]: { schema: problemSchema } },
    });
    const responses: Record<string, unknown> = {
      [spec.response.status]: {
        description: spec.response.description,
        ...(spec.response.schema
          ? {
            content: {
              [spec.response.mediaType ?? "application/json"]: { schema: spec.response.schema },
            },
          }
          : {}),
      },
    };
    if (spec.body || spec.query || spec.params) responses[400] = problem("Invalid request");
    if (spec.allow.length > 0) {
      responses[401] = problem("No token, or an unknown or revoked one");
      responses[403] = problem(`The token's role is not one of: ${spec.allow.join(", ")}`);
    }
    for (const status of spec.errors ?? []) {
      responses[status] = problem(
        status === 404
          ? "Not found"
          : status === 409
          ? "Conflict with the current state"
          : "Unavailable",
      );
    }
    if (spec.body) {
      responses[413] = problem("Body over 1 MiB");
      responses[415] = problem("Body is not application/json");
    }
    const rolesLine = spec.allow.length > 0
      ? `Roles: ${spec.allow.join(", ")}.`
      : "Public: no token needed.";
    this.app.openAPIRegistry.registerPath({
      method: spec.method,
      path: spec.path,
      tags: [spec.tag],
      summary: spec.summary,
      description: [spec.description, rolesLine].filter(Boolean).join("\n\n"),
      security: spec.allow.length > 0 ? [{ bearer: [] }] : [],
      "x-drover-roles": [...spec.allow],
      ...(spec.audit ? { "x-drover-audit": spec.audit } : {}),
      request: {
        ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
        ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
        ...(spec.body
          ? {
            body: {
              required: !spec.bodyOptional,
              content: { "application/json": { schema: spec.body } },
            },
          }
          : {}),
      },
      // deno-lint-ignore no-explicit-any
      responses: responses as any,
    });
  }
}

function parseWith(
  schema: z.ZodType | undefined,
  input: Record<string, string>,
  code: string,
  what: string,
): unknown {
  if (!schema) return input;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join(".") || "(query)";
  throw new HttpError(400, code, `Invalid ${what} "${field}": ${issue.message}`, { field });
}

function firstParam(c: Context): string | undefined {
  const params = c.req.param() as Record<string, string>;
  const values = Object.values(params);
  return values.length > 0 ? values.join("/") : undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
