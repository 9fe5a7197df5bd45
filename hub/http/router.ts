/**
 * Every API route is declared once: method, path, who may call it, the zod
 * schemas of its path, query, body and response, and its audit action. From
 * that one declaration the router mounts the handler (authentication, role
 * check, body limit, parsing and the audit entry) and writes the OpenAPI
 * description, so the two cannot drift apart.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { z } from "zod";
import type { Logger } from "../../shared/log.ts";
import type { HubCore } from "../core/hub_core.ts";
import { RequestError } from "../core/request_error.ts";
import { writeAudit } from "../ops/write_audit.ts";
import { checkCsrf } from "../ui/csrf.ts";
import type { SsoAccess } from "../ui/sso.ts";
import { authenticate, type Principal } from "./authenticate.ts";
import { describeRoute } from "./describe_route.ts";
import { limitBody, readJsonBody } from "./read_body.ts";
import type { RouteSpec } from "./route_spec.ts";

export type { RouteSpec };

/** What a handler adds to its audit entry. */
export interface AuditNote {
  target?: string;
  detail: Record<string, unknown>;
}

/** What a handler receives besides the context. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The caller (a token, or an SSO user); null on public routes. */
  principal: Principal | null;
  /** Set the audit entry's target and detail. */
  audit: AuditNote;
}

/** What routes need. */
export interface RouterDeps {
  core: HubCore;
  log: Logger;
  /** Web UI sign-in: SSO through trusted proxies (none when absent). */
  access?: SsoAccess;
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
    describeRoute(this.app, spec as unknown as RouteSpec);
    const limit = limitBody();
    const honoPath = spec.path.replaceAll(/\{(\w+)\}/g, ":$1");
    this.app.on(spec.method.toUpperCase(), honoPath, async (c) => {
      const { core, log } = this.deps;
      let principal: Principal | null = null;
      const audit: AuditNote = { detail: {} };
      try {
        if (spec.allow.length > 0) {
          principal = await authenticate(c, core, this.deps.access);
          checkCsrf(c, principal, this.deps.access);
          if (!spec.allow.includes(principal.role)) {
            throw new RequestError(
              403,
              "forbidden",
              `A ${principal.role} ${principal.kind === "sso" ? "user" : "token"} cannot ` +
                `${lowerFirst(spec.summary)}: ` +
                `that needs ${spec.allow.join(" or ")}`,
            );
          }
        }
        const params = parseWith(spec.params, c.req.param(), "invalid_path", "path parameter");
        const query = parseWith(spec.query, c.req.query(), "invalid_query", "query parameter");
        let response: Response | undefined;
        const serve = async () => {
          const body = spec.body
            ? await readJsonBody(c, spec.body, spec.bodyOptional ?? false)
            : undefined;
          audit.target ??= firstParam(c);
          response = await handler(c, {
            params: params as z.output<P>,
            query: query as z.output<Q>,
            body: body as z.output<B>,
            principal,
            audit,
          });
        };
        // Hono's bodyLimit counts the bytes before anything reads them.
        if (spec.body) await limit(c, serve);
        else await serve();
        if (!response) throw new Error(`${spec.method} ${spec.path} gave no response`);
        if (spec.audit) await this.#record(spec.audit, principal, audit, response.status);
        core.metrics.httpRequest(spec.method, spec.path, response.status);
        return response;
      } catch (error) {
        const status = error instanceof RequestError ? error.status : 500;
        core.metrics.httpRequest(spec.method, spec.path, status);
        if (spec.audit && !(error instanceof RequestError && error.status === 401)) {
          audit.target ??= firstParam(c);
          if (error instanceof RequestError) audit.detail.code = error.code;
          try {
            await this.#record(spec.audit, principal, audit, status);
          } catch (auditError) {
            log.error("audit write failed", { action: spec.audit, error: auditError });
          }
        }
        throw error;
      }
    });
  }

  async #record(action: string, actor: Principal | null, note: AuditNote, status: number) {
    const { core } = this.deps;
    const at = core.now();
    await core.queue.write((tx) =>
      writeAudit(tx, {
        at,
        actor,
        action,
        target: note.target ?? null,
        outcome: status < 400 ? "ok" : status === 403 ? "denied" : "failed",
        status,
        detail: note.detail,
      })
    );
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
  throw new RequestError(400, code, `Invalid ${what} "${field}": ${issue.message}`, { field });
}

function firstParam(c: Context): string | undefined {
  const values = Object.values(c.req.param() as Record<string, string>);
  return values.length > 0 ? values.join("/") : undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
