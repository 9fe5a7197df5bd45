/** `drover hub` and `drover worker`: a hub or a worker in this process. */
import type { Command } from "../command.ts";
import { describeError } from "../../shared/describe_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import type { Io } from "../io.ts";

/**
 * Starts a hub or a worker configured by `env` and resolves once it runs,
 * with a promise of its end. It exits the process itself: 0 on SIGTERM or
 * SIGINT, 2 naming each bad `DROVER_*` variable.
 */
export type Launcher = (
  env: Record<string, string | undefined>,
) => Promise<{ stopped: Promise<void> }>;

/** What `drover hub` and `drover worker` start. */
export interface Launchers {
  hub: Launcher;
  worker: Launcher;
}

/**
 * The real ones, from `hub/main.ts` and `worker/main.ts`. Imported when
 * called, so that the client commands do not load the hub's database
 * driver or the worker runtime.
 */
export const PROCESS_LAUNCHERS: Launchers = {
  hub: async (env) => {
    await (await import("../../hub/mod.ts")).runHubProcess(env);
    // The server keeps the process alive until a signal closes it and exits.
    return { stopped: new Promise<void>(() => {}) };
  },
  worker: async (env) => {
    const worker = await (await import("../../worker/main.ts")).runTaskModulesWorker(env);
    // Resolves when the hub drained the worker (which then exits 0 as well).
    return { stopped: worker.closed };
  },
};

/**
 * Runs the hub or the worker until it stops; resolves with 0 if it ever
 * does, or with 1 ({@link EXIT.notStarted}) when it could not start.
 */
export async function launchCommand(
  command: Extract<Command, { name: "hub" | "worker" }>,
  env: Record<string, string | undefined>,
  io: Io,
  launchers: Launchers,
): Promise<ExitCode> {
  let started;
  try {
    started = await launchers[command.name](env);
  } catch (error) {
    // Not a bug in drover: a port taken, a database out of reach, a task module that throws.
    io.err(`error: the ${command.name} did not start: ${describeError(error)}`);
    return EXIT.notStarted;
  }
  await started.stopped;
  return EXIT.ok;
}
