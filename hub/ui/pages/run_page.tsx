/**
 * `/ui/runs/{id}`: one run — its state, family, params, submitter and
 * times, its tasks counted by state and the CLI's execution summary (live
 * from the run's events), the graph and timeline (their own client code),
 * the failed tasks with their errors and the blocked ones with their
 * culprits; Retry and Cancel for operators.
 */
import { formatExecutionSummary } from "../../../shared/execution_summary.ts";
import { RequestError } from "../../core/request_error.ts";
import { OPERATE, READ } from "../../http/roles.ts";
import { runStatus } from "../../queries/run_status.ts";
import { ActionButton, apiPath } from "../action_button.tsx";
import { Duration, JsonBlock, StateBadge, Time } from "../components.tsx";
import { PageHead } from "../layout.tsx";
import { may, uiPage } from "../page_route.tsx";
import { cancelRunEffect, retryRunEffect, runDuration } from "../run_facts.ts";
import { StateCounts } from "../state_counts.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";
import { RunProblems } from "./run_problems.tsx";

/** Mounts `/ui/runs/:id`. */
export function runPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/runs/:id", nav: "runs", allow: READ }, async (p) => {
    const id = p.c.req.param("id")!;
    const run = await deps.core.read((db) => runStatus(db, id));
    if (!run) throw new RequestError(404, "run_not_found", `Run "${id}" does not exist`);
    const operate = may(p.principal, OPERATE);
    const took = runDuration(run, p.now);
    const retry = retryRunEffect(run);
    const cancel = cancelRunEffect(run);
    return {
      title: `${run.family} · ${run.runId}`,
      body: (
        <>
          <PageHead
            title={`${run.family} run`}
            sub={<span class="mono">{run.runId}</span>}
            actions={<a class="btn" href="/ui/runs">All runs</a>}
          />
          <div id="run-live" data-live="run.*,task.*" data-live-run={run.runId}>
            <section class="panel run-head">
              <div class="run-head-main">
                <StateBadge state={run.state} />
                <StateCounts counts={run.counts} total={run.total} />
                {operate
                  ? (
                    <span class="run-actions">
                      {retry
                        ? (
                          <ActionButton
                            url={apiPath("runs", run.runId, "retry")}
                            label="Retry run"
                            title={`Retry run ${run.runId}?`}
                            confirm={retry}
                            done="Run retried"
                          />
                        )
                        : null}
                      {cancel
                        ? (
                          <ActionButton
                            url={apiPath("runs", run.runId, "cancel")}
                            label="Cancel run"
                            title={`Cancel run ${run.runId}?`}
                            confirm={cancel}
                            reason="optional"
                            danger
                            done="Run cancelled"
                          />
                        )
                        : null}
                    </span>
                  )
                  : null}
              </div>
              <dl class="facts">
                <dt>Family</dt>
                <dd>
                  <a href={`/ui/families/${encodeURIComponent(run.family)}`}>{run.family}</a>
                </dd>
                <dt>Root task</dt>
                <dd>
                  <a class="mono" href={`/ui/tasks/${encodeURIComponent(run.rootTaskId)}`}>
                    {run.rootTaskId}
                  </a>
                </dd>
                <dt>Submitted by</dt>
                <dd>{run.submittedBy ?? <span class="muted">—</span>}</dd>
                <dt>Created</dt>
                <dd>
                  <Time at={run.createdAt} now={p.now} />
                </dd>
                <dt>Finished</dt>
                <dd>
                  <Time at={run.finishedAt} now={p.now} />
                </dd>
                <dt>Duration</dt>
                <dd>
                  <Duration ms={took} />
                  {run.finishedAt === null ? <span class="muted small so-far">so far</span> : null}
                </dd>
                <dt>Params</dt>
                <dd>
                  <JsonBlock value={run.params} />
                </dd>
              </dl>
            </section>
          </div>
          <h2>Graph</h2>
          <section class="run-graph" id="run-graph" data-run-id={run.runId}>
            <p class="muted">loading…</p>
          </section>
          {/* One live region per block; a refresh re-reads the page once for all. */}
          <div id="run-live-problems" data-live="run.*,task.*" data-live-run={run.runId}>
            <div class="run-columns">
              <section class="panel">
                <h2>Execution summary</h2>
                <pre class="summary">{formatExecutionSummary(run, took)}</pre>
              </section>
              <RunProblems run={run} />
            </div>
          </div>
          <h2>Timeline</h2>
          <section class="run-timeline" id="run-timeline" data-run-id={run.runId}>
            <p class="muted">loading…</p>
          </section>
        </>
      ),
    };
  });
}
