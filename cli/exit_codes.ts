/** The process exit codes of `drover`, documented in `drover help`. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** `submit --wait`/`retry --wait`: the run failed; `backfill --wait`: a day failed. */
  runFailed: 1,
  /** `hub`, `worker`: it could not start (port taken, …), as `deno task hub` would exit. */
  notStarted: 1,
  /** Bad command, option or parameter. */
  usage: 2,
  /** The hub could not be reached. */
  unreachable: 3,
  /** The hub answered with an error. */
  hubError: 4,
  /** The hub refused the token: missing, unknown or revoked (401), or its role may not (403). */
  auth: 5,
  /** A bug in drover itself (the stack trace is printed). */
  internal: 70,
} as const;

/** One of the exit codes in {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
