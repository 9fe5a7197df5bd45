/**
 * `/ui/queue`: ready tasks by region and family, how long the oldest has
 * waited, and why any cannot be scheduled (no matching worker, a pause, a
 * disabled family); the pauses in force, with pause and resume for operators.
 */
import type { FC } from "hono/jsx";
import type { Pause } from "../../../shared/api_schemas_admin.ts";
import { describeSelector, parsePinKey } from "../../../shared/selector.ts";
import { OPERATE, READ } from "../../http/roles.ts";
import { listPauses } from "../../queries/pauses.ts";
import { queueDepth } from "../../queries/queue_depth.ts";
import { readySince } from "../../queries/ready_ages.ts";
import { regionOf } from "../../queries/unschedulable.ts";
import { ActionButton, apiPath } from "../action_button.tsx";
import { Duration, Empty, Time } from "../components.tsx";
import { PageHead } from "../layout.tsx";
import { may, uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";
import { PauseForm } from "./pause_form.tsx";

/** Mounts `/ui/queue`. */
export function queuePage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/queue", nav: "queue", allow: READ }, async (p) => {
    const { depth, ages, pauses } = await deps.core.read(async (db) => ({
      depth: await queueDepth(db, p.now),
      ages: await readySince(db, p.now),
      pauses: await listPauses(db),
    }));
    const oldest = new Map<string, number>();
    for (const a of ages) {
      const key = `${regionOf(a.pin)}\n${describeSelector(parsePinKey(a.pin))}\n${a.family}`;
      oldest.set(key, Math.min(oldest.get(key) ?? a.since, a.since));
    }
    const operate = may(p.principal, OPERATE);
    const pausedFamilies = new Set(pauses.filter((x) => x.kind === "family").map((x) => x.value));
    const total = depth.regions.reduce((n, r) => n + r.ready, 0);
    const starving = depth.queues.filter((q) => q.unschedulable).reduce((n, q) => n + q.ready, 0);
    return {
      title: "Queue",
      body: (
        <>
          <PageHead title="Queue" sub="Ready tasks waiting for a worker, by region and family." />
          <div id="queue-live" data-live="task.state,worker.*,family.disabled">
            <div class="cards">
              <Card label="Ready tasks" figure={total} />
              <Card label="Cannot be scheduled" figure={starving} />
              <Card label="Regions with work" figure={depth.regions.length} />
              <Card label="Pauses in force" figure={pauses.length} />
            </div>
            <h2>Ready by region and family</h2>
            {depth.queues.length === 0
              ? <Empty title="Nothing is waiting">Every ready task has a worker.</Empty>
              : (
                <table class="grid">
                  <thead>
                    <tr>
                      <th>Region</th>
                      <th>Family</th>
                      <th>Pin</th>
                      <th class="num">Ready</th>
                      <th class="num">Oldest waiting</th>
                      <th>Why not scheduled</th>
                      {operate ? <th></th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {depth.queues.map((q) => {
                      const since = oldest.get(`${q.region}\n${q.pin}\n${q.family}`);
                      return (
                        <tr key={`${q.pin}\n${q.family}\n${q.version}`}>
                          <td>{q.region}</td>
                          <td>
                            <a href={`/ui/families/${encodeURIComponent(q.family)}`}>{q.family}</a>
                            <span class="muted small version">v{q.version}</span>
                          </td>
                          <td class="mono small">{q.pin}</td>
                          <td class="num">{q.ready}</td>
                          <td class="num">
                            <Duration ms={since === undefined ? null : p.now - since} />
                          </td>
                          <td class="wrap">
                            {q.unschedulable ?? <span class="muted">schedulable</span>}
                          </td>
                          {operate
                            ? (
                              <td class="actions">
                                {pausedFamilies.has(q.family)
                                  ? <ResumeButton kind="family" value={q.family} />
                                  : <PauseButton kind="family" value={q.family} />}
                              </td>
                            )
                            : null}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            <h2>Pauses</h2>
            <PauseTable pauses={pauses} now={p.now} operate={operate} />
          </div>
          {operate ? <PauseForm /> : null}
        </>
      ),
    };
  });
}

const Card: FC<{ label: string; figure: number }> = ({ label, figure }) => (
  <div class="card">
    <div class="figure">{figure}</div>
    <div class="label">{label}</div>
  </div>
);

const PauseButton: FC<{ kind: "family" | "region"; value: string }> = ({ kind, value }) => (
  <ActionButton
    url={apiPath("pauses", kind, value)}
    method="PUT"
    label="Pause"
    title={`Pause ${kind} ${value}?`}
    confirm={`Nothing new of ${kind} "${value}" starts until it is resumed; ` +
      "running tasks finish."}
    reason="optional"
    done={`Paused ${kind} ${value}`}
  />
);

const ResumeButton: FC<{ kind: Pause["kind"]; value: string }> = ({ kind, value }) => (
  <ActionButton
    url={apiPath("pauses", kind, value)}
    method="DELETE"
    label="Resume"
    title={`Resume ${kind} ${value}?`}
    confirm={`Tasks of ${kind} "${value}" start again as workers free up.`}
    done={`Resumed ${kind} ${value}`}
  />
);

const PauseTable: FC<{ pauses: Pause[]; now: number; operate: boolean }> = (
  { pauses, now, operate },
) =>
  pauses.length === 0 ? <Empty title="Nothing is paused" /> : (
    <table class="grid">
      <thead>
        <tr>
          <th>Kind</th>
          <th>Paused</th>
          <th>Reason</th>
          <th>By</th>
          <th>Since</th>
          {operate ? <th></th> : null}
        </tr>
      </thead>
      <tbody>
        {pauses.map((x) => (
          <tr key={`${x.kind}\n${x.value}`}>
            <td>{x.kind}</td>
            <td>{x.value}</td>
            <td class="wrap">{x.reason ?? <span class="muted">—</span>}</td>
            <td class="mono small">{x.createdBy ?? "—"}</td>
            <td>
              <Time at={x.createdAt} now={now} />
            </td>
            {operate
              ? (
                <td class="actions">
                  <ResumeButton kind={x.kind} value={x.value} />
                </td>
              )
              : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
