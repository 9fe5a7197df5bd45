/// <reference lib="dom" />
/**
 * The UI's client code, bundled into `hub/ui/assets/app.js` by
 * `deno task ui:build`. Pages are server-rendered; this wires what they
 * declare in `data-*` attributes.
 */
import { wireActions } from "./actions.ts";
import { wireLiveRegions } from "./live.ts";
import { tickRelativeTimes } from "./relative_times.ts";
import { wireRunForm } from "./run_form.ts";
import { wireTaskLog } from "./task_logs.ts";

wireActions();
wireLiveRegions();
tickRelativeTimes();
wireRunForm();
wireTaskLog();
