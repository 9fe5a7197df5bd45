/**
 * `/ui/families`: the registry — each family's parameters, options and
 * whether it is disabled (re-enable for operators); and
 * `/ui/families/{name}`: one family in full, where its Run form goes.
 */
import type { RegisteredFamily } from "../../queries/families.ts";
import { loadFamilies } from "../../queries/families.ts";
import { RequestError } from "../../core/request_error.ts";
import { OPERATE, READ } from "../../http/roles.ts";
import { Empty, JsonBlock } from "../components.tsx";
import { FamilyState, optionPhrases } from "../family_facts.tsx";
import { duration } from "../format.ts";
import { PageHead } from "../layout.tsx";
import { may, uiPage } from "../page_route.tsx";
import { RunForm } from "../run_form/run_form.tsx";
import { paramsSummary, SchemaTable } from "../schema_table.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";

/** Mounts `/ui/families` and `/ui/families/:name`. */
export function familiesPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/families", nav: "families", allow: READ }, async (p) => {
    const latest = latestVersions(await deps.core.read((db) => loadFamilies(db)));
    const operate = may(p.principal, OPERATE);
    return {
      title: "Families",
      body: (
        <>
          <PageHead title="Families" sub="Task families the workers advertise, latest version." />
          <div id="families-live" data-live="family.disabled">
            {latest.length === 0
              ? (
                <Empty title="No families registered">
                  Workers register theirs when they connect.
                </Empty>
              )
              : (
                <table class="grid">
                  <thead>
                    <tr>
                      <th>Family</th>
                      <th>Description</th>
                      <th>Parameters</th>
                      <th>Options</th>
                      <th>State</th>
                    </tr>
                  </thead>
                  <tbody>
                    {latest.map(({ f, versions }) => (
                      <tr key={f.name}>
                        <td>
                          <a href={`/ui/families/${encodeURIComponent(f.name)}`}>{f.name}</a>
                          <div class="muted small">
                            v{f.version}
                            {versions > 1 ? ` (${versions} versions)` : ""}
                          </div>
                        </td>
                        <td class="wrap">{f.description ?? <span class="muted">—</span>}</td>
                        <td class="mono small wrap">{paramsSummary(f.paramsSchema) || "—"}</td>
                        <td class="small wrap">{optionPhrases(f).join("; ") || "—"}</td>
                        <td>
                          <FamilyState f={f} now={p.now} operate={operate} />
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

  uiPage(app, deps, { path: "/ui/families/:name", nav: "families", allow: READ }, async (p) => {
    const name = p.c.req.param("name")!;
    const versions = (await deps.core.read((db) => loadFamilies(db)))
      .filter((f) => f.name === name).sort((a, b) => b.version - a.version);
    const f = versions[0];
    if (!f) {
      throw new RequestError(404, "family_not_found", `Task family "${name}" is not registered`);
    }
    const operate = may(p.principal, OPERATE);
    return {
      title: f.name,
      body: (
        <>
          <PageHead
            title={f.name}
            sub={f.description ?? undefined}
            actions={<a class="btn" href="/ui/families">All families</a>}
          />
          <section id="run-form" data-family={f.name} data-version={String(f.version)}>
            {operate ? <RunForm family={f} /> : null}
          </section>
          <div id="family-live" data-live="family.disabled">
            <section class="panel">
              <dl class="facts">
                <dt>Version</dt>
                <dd>
                  {f.version}
                  {versions.length > 1
                    ? (
                      <span class="muted">
                        (also {versions.slice(1).map((v) => v.version).join(", ")})
                      </span>
                    )
                    : null}
                </dd>
                <dt>State</dt>
                <dd>
                  <FamilyState f={f} now={p.now} operate={operate} />
                </dd>
                <dt>Pin</dt>
                <dd class="mono">{f.pin || "any worker"}</dd>
                <dt>Priority</dt>
                <dd>{f.priority}</dd>
                <dt>Retry</dt>
                <dd>
                  {`${f.retry.maxAttempts} attempts, backoff ${duration(f.retry.baseDelayMs)} to ` +
                    duration(f.retry.maxDelayMs)}
                </dd>
                <dt>Timeout</dt>
                <dd>{f.timeoutMs === null ? "none" : duration(f.timeoutMs)}</dd>
                <dt>Options</dt>
                <dd>{optionPhrases(f).join("; ") || "none"}</dd>
                <dt>Schema hash</dt>
                <dd class="mono small">{f.schemaHash}</dd>
              </dl>
            </section>
            <h2>Parameters</h2>
            <SchemaTable schema={f.paramsSchema} />
            <details>
              <summary class="muted">JSON Schema</summary>
              <JsonBlock value={f.paramsSchema} />
            </details>
          </div>
        </>
      ),
    };
  });
}

function latestVersions(all: RegisteredFamily[]): Array<{ f: RegisteredFamily; versions: number }> {
  const byName = Map.groupBy(all, (f) => f.name);
  return [...byName.values()]
    .map((vs) => ({ f: vs.reduce((a, b) => (b.version > a.version ? b : a)), versions: vs.length }))
    .sort((a, b) => a.f.name.localeCompare(b.f.name));
}
