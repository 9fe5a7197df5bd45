/** `/ui/backfills`: backfills newest first, with progress; `/ui/backfills/{id}`: each day's run. */
import type { FC } from "hono/jsx";
import { RequestError } from "../../core/request_error.ts";
import { READ } from "../../http/roles.ts";
import {
  type BackfillStatus,
  backfillStatus,
  listBackfills,
} from "../../queries/backfill_status.ts";
import { Empty, StateBadge, Time } from "../components.tsx";
import { PageHead } from "../layout.tsx";
import { uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";

/** Mounts `/ui/backfills` and `/ui/backfills/:id`. */
export function backfillsPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/backfills", nav: "backfills", allow: READ }, async (p) => {
    const list = await deps.core.read((db) => listBackfills(db, 200));
    return {
      title: "Backfills",
      body: (
        <>
          <PageHead title="Backfills" sub="One run per day over a date range, newest first." />
          <div id="backfills-live" data-live="run.state">
            {list.length === 0
              ? (
                <Empty title="No backfills yet">
                  Start one with drover backfill or POST /api/backfills.
                </Empty>
              )
              : (
                <table class="grid">
                  <thead>
                    <tr>
                      <th>Backfill</th>
                      <th>Family</th>
                      <th>Range</th>
                      <th>State</th>
                      <th>Progress</th>
                      <th>By</th>
                      <th>Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((b) => (
                      <tr key={b.backfillId}>
                        <td class="mono">
                          <a href={`/ui/backfills/${encodeURIComponent(b.backfillId)}`}>
                            {b.backfillId}
                          </a>
                        </td>
                        <td>
                          <a href={`/ui/families/${encodeURIComponent(b.family)}`}>{b.family}</a>
                          <span class="muted small version">v{b.version}</span>
                        </td>
                        <td class="mono small">{`${b.from} → ${b.to}`}</td>
                        <td>
                          <StateBadge state={b.state} />
                        </td>
                        <td>
                          <Progress b={b} />
                        </td>
                        <td>{b.submittedBy ?? <span class="muted">—</span>}</td>
                        <td>
                          <Time at={b.createdAt} now={p.now} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
          </div>
        </>
      ),
    };
  });

  uiPage(app, deps, { path: "/ui/backfills/:id", nav: "backfills", allow: READ }, async (p) => {
    const id = p.c.req.param("id")!;
    const b = await deps.core.read((db) => backfillStatus(db, id, { runs: true }));
    if (!b) throw new RequestError(404, "backfill_not_found", `Backfill "${id}" does not exist`);
    return {
      title: `Backfill ${b.backfillId}`,
      body: (
        <>
          <PageHead
            title={`Backfill of ${b.family}`}
            sub={`${b.from} → ${b.to}, by ${b.param}; ${b.backfillId}`}
            actions={<a class="btn" href="/ui/backfills">All backfills</a>}
          />
          <div id="backfill-live" data-live="run.state">
            <section class="panel">
              <dl class="facts">
                <dt>State</dt>
                <dd>
                  <StateBadge state={b.state} />
                </dd>
                <dt>Progress</dt>
                <dd>
                  <Progress b={b} />
                </dd>
                <dt>At most at once</dt>
                <dd>{b.maxConcurrent ?? "no limit"}</dd>
                <dt>Priority</dt>
                <dd>{b.priority}</dd>
                <dt>Created</dt>
                <dd>
                  <Time at={b.createdAt} now={p.now} />
                  {b.submittedBy ? ` by ${b.submittedBy}` : ""}
                </dd>
              </dl>
            </section>
            <h2>Days</h2>
            {(b.runs ?? []).length === 0
              ? <Empty title="No day has a run yet" />
              : (
                <table class="grid">
                  <thead>
                    <tr>
                      <th>Date</th>
                      <th>Run</th>
                      <th>Task</th>
                      <th>State</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(b.runs ?? []).map((r) => (
                      <tr key={r.runId}>
                        <td class="mono">{r.date}</td>
                        <td class="mono">
                          <a href={`/ui/runs/${encodeURIComponent(r.runId)}`}>{r.runId}</a>
                        </td>
                        <td class="mono small">
                          <a href={`/ui/tasks/${encodeURIComponent(r.taskId)}`}>{r.taskId}</a>
                        </td>
                        <td>
                          <StateBadge state={r.state} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
          </div>
        </>
      ),
    };
  });
}

const Progress: FC<{ b: BackfillStatus }> = ({ b }) => {
  const todo = Math.max(1, b.days - b.skipped);
  return (
    <span class="small">
      <span class="bar">
        <span class={`w${Math.round((b.done / todo) * 10)}`} />
      </span>
      {`${b.done}/${todo} done`}
      {b.running ? `, ${b.running} running` : ""}
      {b.failed ? `, ${b.failed} failed` : ""}
      {b.pending ? `, ${b.pending} pending` : ""}
      {b.skipped ? `, ${b.skipped} skipped` : ""}
    </span>
  );
};
