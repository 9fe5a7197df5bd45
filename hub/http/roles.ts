/**
 * Who may do what. A token has one role; each route names the roles it
 * allows. `worker` tokens open the worker WebSocket and nothing else.
 */
import type { TokenRole } from "../../shared/api_schemas_admin.ts";

/** Read anything: runs, tasks, workers, tokens (never their secrets), resources. */
export const READ: readonly TokenRole[] = ["admin", "operator", "viewer"];
/** Run the pipelines: submit, retry, cancel, mark done, cordon and drain, pause and resume. */
export const OPERATE: readonly TokenRole[] = ["admin", "operator"];
/** Change who can do what and how much runs at once: tokens and resource limits. */
export const ADMIN: readonly TokenRole[] = ["admin"];
/** The audit log: admins, and viewers (auditors). */
export const AUDIT: readonly TokenRole[] = ["admin", "viewer"];
/** No token needed: health checks and the API description. */
export const PUBLIC: readonly TokenRole[] = [];
