/**
 * `/ui/schedules`: the schedules with their next times and policies, the
 * webhooks with their mappings, and the stream triggers with their state and
 * lag. Read-only: they are made and changed with `drover schedule …`,
 * `drover hook …`, `drover trigger …` or the API.
 */
import type { Schedule } from "../../../shared/api_schemas_schedules.ts";
import { formatDuration } from "../../../shared/duration.ts";
import { READ } from "../../http/roles.ts";
import { Empty, Time } from "../components.tsx";
import { PageHead } from "../layout.tsx";
import { uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";
import { TriggersTable } from "./triggers_table.tsx";

/** Mounts `/ui/schedules`. */
export function schedulesPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/schedules", nav: "schedules", allow: READ }, async (p) => {
    const schedules = await deps.core.schedules.list();
    const hooks = await deps.core.hooks.list();
    const triggers = await deps.core.triggers.list();
    return {
      title: "Schedules",
      body: (
        <>
          <PageHead
            title="Schedules"
            sub="What starts runs on its own: cron times and intervals, webhook events, stream messages — each once."
          />
          {schedules.length === 0
            ? (
              <Empty title="No schedules yet">
                Create one with drover schedule create or POST /api/schedules.
              </Empty>
            )
            : (
              <table class="grid">
                <thead>
                  <tr>
                    <th>Schedule</th>
                    <th>Family</th>
                    <th>When</th>
                    <th>Next</th>
                    <th>State</th>
                    <th>Catch-up</th>
                    <th>Overlap</th>
                    <th>Parameters</th>
                  </tr>
                </thead>
                <tbody>
                  {schedules.map((s) => (
                    <tr key={s.id}>
                      <td class="mono">{s.name}</td>
                      <td>
                        <a href={`/ui/families/${encodeURIComponent(s.family)}`}>{s.family}</a>
                        {s.version === null
                          ? ""
                          : <span class="muted small version">v{s.version}</span>}
                      </td>
                      <td class="mono small">{when(s)}</td>
                      <td>
                        {s.paused
                          ? <span class="muted">—</span>
                          : s.nextTimes[0] === undefined
                          ? <span class="muted">ended</span>
                          : <Time at={s.nextTimes[0]} now={p.now} />}
                      </td>
                      <td>
                        {s.paused
                          ? (
                            <>
                              <span class="badge state-cancelled">paused</span>
                              {s.paused.reason
                                ? <div class="muted small">{s.paused.reason}</div>
                                : null}
                            </>
                          )
                          : <span class="badge state-done">active</span>}
                      </td>
                      <td class="small">{catchUp(s)}</td>
                      <td class="small">{s.overlap}</td>
                      <td class="mono small">{params(s)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          <h2>Webhooks</h2>
          {hooks.length === 0
            ? (
              <Empty title="No webhooks yet">
                Create one with drover hook create or POST /api/hooks.
              </Empty>
            )
            : (
              <table class="grid">
                <thead>
                  <tr>
                    <th>Hook</th>
                    <th>Family</th>
                    <th>Parameters from the payload</th>
                    <th>Event id</th>
                    <th>Deliveries to</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {hooks.map((h) => (
                    <tr key={h.id}>
                      <td class="mono">{h.name}</td>
                      <td>
                        <a href={`/ui/families/${encodeURIComponent(h.family)}`}>{h.family}</a>
                      </td>
                      <td class="mono small">
                        {Object.entries(h.mapping).map(([k, v]) => `${k} ← ${v}`).join(", ") ||
                          "—"}
                      </td>
                      <td class="mono small">
                        {"header" in h.idempotencyKey
                          ? `header ${h.idempotencyKey.header}`
                          : `field ${h.idempotencyKey.field}`}
                      </td>
                      <td class="mono small">POST {h.url}</td>
                      <td>
                        <Time at={h.createdAt} now={p.now} />
                        {h.createdBy ? ` by ${h.createdBy}` : ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          <h2>Stream triggers</h2>
          <TriggersTable triggers={triggers} now={p.now} />
        </>
      ),
    };
  });
}

function when(s: Schedule): string {
  const base = s.cron !== null ? `${s.cron} (${s.zone})` : `every ${formatDuration(s.intervalMs!)}`;
  return s.jitterMs > 0 ? `${base}, jitter ${formatDuration(s.jitterMs)}` : base;
}

function catchUp(s: Schedule): string {
  const c = s.catchUp as { mode: string; windowMs?: number; max?: number };
  return c.mode === "all" ? `all within ${formatDuration(c.windowMs!)}, ${c.max} at most` : c.mode;
}

function params(s: Schedule): string {
  const fixed = Object.entries(s.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const timed = Object.entries(s.timeParams).map(([k, f]) => `${k}=<${f}>`);
  return [...fixed, ...timed].join(" ") || "—";
}
