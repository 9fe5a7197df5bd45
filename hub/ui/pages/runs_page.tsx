/**
 * `/ui/runs`: a placeholder list of the newest runs. The Runs page proper
 * (filters, live counts, summary) replaces this file.
 */

import { READ } from "../../http/roles.ts";
import { listRuns } from "../../queries/list_runs.ts";
import { Empty, StateBadge, Time } from "../components.tsx";
import { PageHead } from "../layout.tsx";
import { uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";

/** Mounts `/ui/runs`. */
export function runsPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/runs", nav: "runs", allow: READ }, async ({ now }) => {
    const { runs } = await deps.core.read((db) => listRuns(db, { limit: 50 }));
    return {
      title: "Runs",
      body: (
        <>
          <PageHead title="Runs" sub="Newest first." />
          {runs.length === 0
            ? <Empty title="No runs yet">Submit one with drover submit or POST /api/runs.</Empty>
            : (
              <table class="grid">
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Family</th>
                    <th>State</th>
                    <th class="num">Tasks</th>
                    <th>Submitted by</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((r) => (
                    <tr key={r.runId}>
                      <td class="mono">{r.runId}</td>
                      <td>{r.family}</td>
                      <td>
                        <StateBadge state={r.state} />
                      </td>
                      <td class="num">{r.total}</td>
                      <td>{r.submittedBy ?? <span class="muted">—</span>}</td>
                      <td>
                        <Time at={r.createdAt} now={now} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </>
      ),
    };
  });
}
