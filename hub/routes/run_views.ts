/** What the web UI's run page draws: the run's task graph, laid out, and its attempts' timeline. */
import { z } from "zod";
import { runGraphSchema, runTimelineSchema } from "../../shared/api_schemas_graph.ts";
import { RequestError } from "../core/request_error.ts";
import { READ } from "../http/roles.ts";
import type { ApiRouter } from "../http/router.ts";
import { runGraphRows, taskParams } from "../queries/run_graph_rows.ts";
import { runTimeline } from "../queries/run_timeline.ts";
import { buildRunGraph } from "../ui/graph/build_run_graph.ts";

const idParams = z.object({ id: z.string().min(1).max(200) });

/** Group ids: `g:<family>:<depth>` or `g:<family>:<from>-<to>`. */
const GROUP_ID = /^g:[A-Za-z][A-Za-z0-9_]{0,99}:\d{1,6}(-\d{1,6})?$/;

const graphQuery = z.object({
  expand: z.string().max(4_000).optional()
    .transform((text) => text === undefined ? [] : text.split(",").filter(Boolean))
    .pipe(z.array(z.string().regex(GROUP_ID, "must be group ids (g:…)")).max(20))
    .describe("Groups to draw expanded, comma-separated (at most 20): the `id`s of group nodes"),
});

const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(2_000)
    .describe("The latest this many attempts"),
});

const notFound = (id: string) =>
  new RequestError(404, "run_not_found", `Run "${id}" does not exist`);

/** The run graph and timeline routes. */
export function runViewRoutes(api: ApiRouter): void {
  const { core } = api.deps;

  api.route({
    method: "get",
    path: "/api/runs/{id}/graph",
    tag: "runs",
    summary: "Get a run's task graph, laid out",
    description: "The run's tasks and edges, laid out left to right (requirements on the left). " +
      "The tasks of one family at one depth become one group node with counts per state once " +
      "there are more than 12 of them, or while more than 300 nodes would show; `expand` draws " +
      "a group's first 50 members and one `more` node for the rest. The graph includes every " +
      "event up to `version`: follow `/api/events?run=…&after=<version>` to stay current.",
    allow: READ,
    params: idParams,
    query: graphQuery,
    response: { status: 200, description: "The laid-out graph", schema: runGraphSchema },
    errors: [404],
  }, async (c, { params, query }) => {
    const safe = await core.events.horizon();
    const rows = await core.read((db) => runGraphRows(db, params.id));
    if (!rows) throw notFound(params.id);
    // An event below the newest may still be committing (PostgreSQL): the
    // client follows from where the graph holds every event.
    if (safe !== null) rows.version = Math.min(rows.version, safe);
    const graph = await buildRunGraph(
      rows,
      { expand: new Set(query.expand) },
      (ids) => core.read((db) => taskParams(db, ids)),
    );
    return c.json(graph);
  });

  api.route({
    method: "get",
    path: "/api/runs/{id}/timeline",
    tag: "runs",
    summary: "Get a run's attempts for a timeline",
    description: "The latest attempts of the run's tasks (`limit`, default 2,000), oldest " +
      "first, each with its worker's name and region: a Gantt chart by worker and region. " +
      "`truncated` says older ones were left out.",
    allow: READ,
    params: idParams,
    query: timelineQuery,
    response: { status: 200, description: "The attempts", schema: runTimelineSchema },
    errors: [404],
  }, async (c, { params, query }) => {
    const timeline = await core.read((db) => runTimeline(db, params.id, query.limit, core.now()));
    if (!timeline) throw notFound(params.id);
    return c.json(timeline);
  });
}
