/**
 * `/ui/audit`: the audit log (admins and viewers), newest first, filtered by
 * action, actor and target in the query string, a page at a time.
 */
import type { FC } from "hono/jsx";
import { z } from "zod";
import type { AuditEntry } from "../../../shared/api_schemas_admin.ts";
import { AUDIT } from "../../http/roles.ts";
import { readAudit } from "../../queries/audit_log.ts";
import { Empty, Time } from "../components.tsx";
import { PageHead } from "../layout.tsx";
import { uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";

const filters = z.object({
  action: z.string().max(100).optional().catch(undefined),
  actor: z.string().max(200).optional().catch(undefined),
  target: z.string().max(500).optional().catch(undefined),
  before: z.coerce.number().int().min(1).optional().catch(undefined),
});

const PAGE = 100;

/** Mounts `/ui/audit`. */
export function auditPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/audit", nav: "audit", allow: AUDIT }, async (p) => {
    const q = filters.parse(p.c.req.query());
    const f = {
      action: q.action || undefined,
      actor: q.actor || undefined,
      target: q.target || undefined,
    };
    const { entries, next } = await deps.core.read((db) =>
      readAudit(db, { limit: PAGE, before: q.before, ...f })
    );
    const nextUrl = next
      ? "/ui/audit?" + new URLSearchParams({ ...clean(f), before: next }).toString()
      : null;
    return {
      title: "Audit log",
      body: (
        <>
          <PageHead
            title="Audit log"
            sub="Every change made through the API, allowed or refused."
          />
          <form method="get" action="/ui/audit" class="filters">
            <label>
              Action
              <input name="action" value={f.action ?? ""} placeholder="worker.drain" />
            </label>
            <label>
              Actor
              <input name="actor" value={f.actor ?? ""} placeholder="token id, name or sso:user" />
            </label>
            <label>
              Target
              <input name="target" value={f.target ?? ""} placeholder="run, task, worker…" />
            </label>
            <button type="submit" class="btn">Filter</button>
            {f.action || f.actor || f.target ? <a class="btn" href="/ui/audit">Clear</a> : null}
          </form>
          {entries.length === 0 ? <Empty title="No entries match" /> : (
            <table class="grid">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Actor</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>Outcome</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => <Row key={String(e.id)} e={e} now={p.now} />)}
              </tbody>
            </table>
          )}
          {nextUrl
            ? (
              <p>
                <a class="btn" href={nextUrl}>Older entries</a>
              </p>
            )
            : null}
        </>
      ),
    };
  });
}

const Row: FC<{ e: AuditEntry; now: number }> = ({ e, now }) => (
  <tr>
    <td>
      <Time at={e.at} now={now} />
    </td>
    <td>
      {e.actor ?? <span class="muted">no valid credential</span>}
      <div class="muted small mono">{[e.tokenId, e.role].filter(Boolean).join(" · ")}</div>
    </td>
    <td class="mono small">{e.action}</td>
    <td class="mono small wrap">{e.target ?? "—"}</td>
    <td>
      <span class={`badge outcome-${e.outcome}`}>{e.outcome}</span>{" "}
      <span class="muted small">{e.status}</span>
    </td>
    <td class="mono small wrap">
      {Object.keys(e.detail ?? {}).length > 0 ? JSON.stringify(e.detail) : ""}
    </td>
  </tr>
);

function clean(f: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v)) as Record<string, string>;
}
