/**
 * `/ui/runs`: runs newest first, filtered by state and family (in the query
 * string, so a filter is a link), a page at a time with the API's cursor.
 * Each row counts its tasks by state, live while runs move, and opens the
 * run; the execution summary is the CLI's text.
 */
import { z } from "zod";
import { RUN_STATES } from "../../../shared/states.ts";
import { RequestError } from "../../core/request_error.ts";
import { READ } from "../../http/roles.ts";
import { loadFamilies } from "../../queries/families.ts";
import { decodeRunCursor, listRuns } from "../../queries/list_runs.ts";
import { Empty } from "../components.tsx";
import { PageHead } from "../layout.tsx";
import { uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";
import { RunsTable } from "./runs_table.tsx";

const PAGE = 50;

const query = z.object({
  state: z.enum(RUN_STATES).optional().catch(undefined),
  family: z.string().min(1).max(100).optional().catch(undefined),
  cursor: z.string().min(1).max(200).optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(200).catch(PAGE),
});

/** Mounts `/ui/runs`. */
export function runsPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/runs", nav: "runs", allow: READ }, async ({ c, now }) => {
    const q = query.parse({
      state: c.req.query("state") || undefined,
      family: c.req.query("family") || undefined,
      cursor: c.req.query("cursor") || undefined,
      limit: c.req.query("limit") || PAGE,
    });
    const after = q.cursor === undefined ? undefined : decodeRunCursor(q.cursor);
    if (q.cursor !== undefined && !after) {
      throw new RequestError(400, "invalid_query", "That page link is not valid any more");
    }
    const [{ runs, next }, families] = await deps.core.read(async (db) =>
      [
        await listRuns(db, { state: q.state, family: q.family, limit: q.limit, after }),
        [...new Set((await loadFamilies(db)).map((f) => f.name))].sort(),
      ] as const
    );
    const link = (extra: Record<string, string | undefined>) => {
      const params = new URLSearchParams();
      const limit = q.limit === PAGE ? undefined : String(q.limit);
      for (const [k, v] of Object.entries({ state: q.state, family: q.family, limit, ...extra })) {
        if (v) params.set(k, v);
      }
      const text = params.toString();
      return text ? `/ui/runs?${text}` : "/ui/runs";
    };
    const filtered = q.state !== undefined || q.family !== undefined;
    return {
      title: "Runs",
      body: (
        <>
          <PageHead
            title="Runs"
            sub="Newest first. Counts update live while runs move."
            actions={<a class="btn" href="/ui/families">Run a family…</a>}
          />
          <form class="filters" method="get" action="/ui/runs">
            <label>
              State
              <select name="state">
                <option value="">any state</option>
                {RUN_STATES.map((s) => (
                  <option key={s} value={s} selected={s === q.state}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              Family
              <select name="family">
                <option value="">any family</option>
                {families.map((f) => (
                  <option key={f} value={f} selected={f === q.family}>{f}</option>
                ))}
              </select>
            </label>
            <button type="submit" class="btn">Filter</button>
            {filtered ? <a class="btn" href="/ui/runs">Clear</a> : null}
          </form>
          <div id="runs-live" data-live="run.*,task.state">
            {runs.length === 0
              ? (
                <Empty title={filtered ? "No runs match" : "No runs yet"}>
                  {filtered
                    ? "Clear the filters to see every run."
                    : "Run a family from its page, or with drover submit."}
                </Empty>
              )
              : <RunsTable runs={runs} now={now} />}
          </div>
          <nav class="pager">
            {q.cursor ? <a class="btn" href={link({})}>Newest</a> : null}
            {next ? <a class="btn" href={link({ cursor: next })}>Older runs</a> : null}
          </nav>
        </>
      ),
    };
  });
}
