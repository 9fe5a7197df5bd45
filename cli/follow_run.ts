/**
 * Follows a run to its end with a live progress line, then prints the
 * execution summary (or, with `--json`, the final status): what
 * `submit --wait` and `retry --wait` share. The run is fetched when the
 * hub's event stream shows it changed (`GET /api/events?run=`), or polled
 * from a hub without one.
 */
import type { RunStatus } from "../shared/api_schemas.ts";
import { type CommandContext, printJson } from "./command_context.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import { describeRunFailure } from "./format_run.ts";
import { formatExecutionSummary } from "../shared/execution_summary.ts";
import { runElapsedMs } from "./format_time.ts";
import { createExpansionProbe } from "./expansion_probe.ts";
import { createHoldProbe, formatHeldProgress, type HeldRun } from "./hold_reason.ts";
import { progressOnStderr } from "./progress.ts";
import { waitWithEvents } from "./wait_with_events.ts";

/**
 * Waits for `runId` to end; resolves with 1 ({@link EXIT.runFailed}) when it
 * failed. Until its root is expanded the progress line says so instead of a
 * total; while nothing of it runs, it says why, if the hub knows. Its
 * durations are the run's own on the hub's clock (as `status` and `runs`
 * show them), not the time this command has waited.
 */
export async function followRun(ctx: CommandContext, runId: string): Promise<ExitCode> {
  const elapsed = ({ run }: HeldRun) => runElapsedMs(run, ctx.hubNow());
  const progress = progressOnStderr<HeldRun>(ctx, elapsed, formatHeldProgress);
  const whyHeld = createHoldProbe(ctx.client, runId);
  const unexpandedRoot = createExpansionProbe(ctx.client);
  /** A poll with what the progress line says besides the counts. */
  const look = async (r: RunStatus): Promise<HeldRun> => {
    // Before the root is expanded it is the run's only task: its word is the hold reason.
    const root = await unexpandedRoot(r);
    if (root) return { run: r, unexpanded: root.state, held: root.unschedulable };
    return { run: r, held: await whyHeld(r) };
  };
  let shown: HeldRun | null = null;
  let run;
  try {
    run = await waitWithEvents({
      fetchStatus: () => ctx.client.getRun(runId),
      // Only a progress line shows why the run is held or that its size is
      // not known yet: no line, no question.
      onUpdate: progress ? async (r) => progress.update(shown = await look(r)) : () => {},
      // Between fetches the line's clock moves on.
      onTick: () => shown && progress?.update(shown),
      openEvents: (lastEventId, signal) =>
        ctx.client.openEvents({ run: runId }, lastEventId, signal),
      now: ctx.now,
      sleep: ctx.sleep,
      pollMs: ctx.pollMs,
    });
  } finally {
    progress?.end();
  }
  if (ctx.json) printJson(ctx, run);
  else ctx.io.out(formatExecutionSummary(run, runElapsedMs(run, ctx.hubNow())));
  if (run.state === "failed") {
    ctx.io.err(`error: ${describeRunFailure(run)}`);
    return EXIT.runFailed;
  }
  return EXIT.ok;
}
