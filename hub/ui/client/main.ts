/// <reference lib="dom" />
/**
 * The UI's client code, bundled into `hub/ui/assets/app.js` by
 * `deno task ui:build`. Pages are server-rendered; this wires what they
 * declare in `data-*` attributes.
 */
// First: zod must be told not to compile with eval before any schema is built.
import "./jitless_zod.ts";
import { wireActions } from "./actions.ts";
import { mountGraph } from "./graph_view.ts";
import { mountTimeline } from "./timeline_view.ts";
import { wireLiveRegions } from "./live.ts";
import { tickRelativeTimes } from "./relative_times.ts";
import { wireRunForm } from "./run_form.ts";
import { wireTaskLog } from "./task_logs.ts";

wireActions();
wireLiveRegions();
tickRelativeTimes();
for (const el of document.querySelectorAll<HTMLElement>("#run-graph[data-run-id]")) mountGraph(el);
for (const el of document.querySelectorAll<HTMLElement>("#run-timeline[data-run-id]")) {
  mountTimeline(el);
}
wireRunForm();
wireTaskLog();
