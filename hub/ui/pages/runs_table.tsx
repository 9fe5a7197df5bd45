/** The runs list's table: one row a run, linking to its page. */
import type { FC } from "hono/jsx";
import type { RunStatus } from "../../../shared/api_schemas.ts";
import { formatExecutionSummary } from "../../../shared/execution_summary.ts";
import { Duration, StateBadge, Time } from "../components.tsx";
import { runDuration } from "../run_facts.ts";
import { StateCounts } from "../state_counts.tsx";

/** The rows of `runs`. */
export const RunsTable: FC<{ runs: RunStatus[]; now: number }> = ({ runs, now }) => (
  <table class="grid runs">
    <thead>
      <tr>
        <th>Run</th>
        <th>State</th>
        <th>Tasks</th>
        <th>Submitted by</th>
        <th>Created</th>
        <th class="num">Duration</th>
        <th>Summary</th>
      </tr>
    </thead>
    <tbody>
      {runs.map((r) => (
        <tr key={r.runId} data-run={r.runId}>
          <td>
            <a class="run-link" href={`/ui/runs/${encodeURIComponent(r.runId)}`}>{r.family}</a>
            <div class="mono small muted params-line" title={JSON.stringify(r.params)}>
              {paramsLine(r.params)}
            </div>
          </td>
          <td>
            <StateBadge state={r.state} />
          </td>
          <td>
            <StateCounts counts={r.counts} total={r.total} />
          </td>
          <td class="submitter" title={r.submittedBy ?? undefined}>
            {r.submittedBy ?? <span class="muted">—</span>}
          </td>
          <td>
            <Time at={r.createdAt} now={now} />
          </td>
          <td class="num">
            <Duration ms={runDuration(r, now)} />
          </td>
          <td>
            <details class="summary-cell">
              <summary class="muted small">{r.runId}</summary>
              <pre class="summary">{formatExecutionSummary(r, runDuration(r, now))}</pre>
            </details>
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** `runDate=2026-11-23 table=orders`: a run's parameters on one line. */
export function paramsLine(params: unknown): string {
  if (params === null || typeof params !== "object") return JSON.stringify(params) ?? "";
  const parts = Object.entries(params).map(([k, v]) =>
    `${k}=${typeof v === "string" && v !== "" ? v : JSON.stringify(v)}`
  );
  return parts.length ? parts.join(" ") : "no parameters";
}
