import assert from "node:assert/strict";
import {
  backendsReport,
  compareBackends,
  libsqlOnlyLine,
  type PostgresFigures,
  postgresJson,
} from "./report_backends.ts";
import type { WorkloadResult } from "./run_workload.ts";
import { summarize } from "./stats.ts";

const NO_TIMES = summarize([]);

/** A finished run with only the figures the comparison reads set. */
function result(name: string, figures: Partial<WorkloadResult>): WorkloadResult {
  return {
    name,
    runId: `run-${name}`,
    state: "done",
    tasks: 0,
    ran: 0,
    seconds: 1,
    wallSeconds: 1,
    tasksPerSecond: 0,
    msPerStep: null,
    expandSeconds: 0,
    runSeconds: 1,
    readyToStartedMs: NO_TIMES,
    startedToFinishedMs: NO_TIMES,
    retried: 0,
    cpuSeconds: { hub: null, workers: null },
    statusQueryMs: 1,
    hub: null,
    warnings: {},
    observed: null,
    hubPeakRssMb: null,
    fileCreateCpuUs: null,
    history: null,
    ...figures,
  };
}

const LIBSQL = [
  result("wide-1k", { ran: 1000, tasksPerSecond: 800, expandSeconds: 0.1 }),
  result("chain-500", { ran: 500, msPerStep: 2, expandSeconds: 0.01 }),
];
const POSTGRES = [
  result("wide-1k", { ran: 1000, tasksPerSecond: 400, expandSeconds: 0.5 }),
  result("chain-500", { ran: 500, msPerStep: 3, expandSeconds: 0.02 }),
];

Deno.test("compareBackends() takes tasks/s of a wide run and ms/step of a chain, PostgreSQL over libSQL", () => {
  const [wide, chain] = compareBackends(["wide-1k", "chain-500"], LIBSQL, POSTGRES);
  assert.deepEqual(wide, {
    name: "wide-1k",
    tasks: 1000,
    figure: "tasks/s",
    libsql: 800,
    postgres: 400,
    ratio: 0.5,
    libsqlExpandSeconds: 0.1,
    postgresExpandSeconds: 0.5,
  });
  assert.equal(chain?.figure, "ms/step");
  assert.equal(chain?.ratio, 1.5);
});

Deno.test("compareBackends() leaves the figure and the ratio empty for a run that failed", () => {
  const [wide] = compareBackends(["wide-1k"], LIBSQL, []);
  assert.equal(wide?.libsql, 800);
  assert.equal(wide?.postgres, null);
  assert.equal(wide?.ratio, null);
  const [chain] = compareBackends(["chain-500"], [], POSTGRES);
  assert.equal(chain?.figure, "ms/step");
  assert.equal(chain?.tasks, 500);
  assert.equal(chain?.ratio, null);
});

const FIGURES: PostgresFigures = {
  version: "15.14",
  settings: "fsync on",
  results: POSTGRES,
  compared: compareBackends(["wide-1k", "chain-500"], LIBSQL, POSTGRES),
  libsqlOnly: ["the raw-libSQL ceiling"],
};

Deno.test("backendsReport() lays both databases out side by side with their ratio", () => {
  const lines = backendsReport(FIGURES).split("\n");
  assert.equal(
    lines[0],
    "libSQL (a file) beside PostgreSQL 15.14, each on the same cluster of processes:",
  );
  assert.match(lines[1]!, /^workload\s+tasks\s+figure\s+libSQL\s+PostgreSQL\s+PostgreSQL\/libSQL/);
  assert.match(lines[3]!, /^wide-1k\s+1000\s+tasks\/s\s+800\.0\s+400\.0\s+0\.50\s+0\.10\s+0\.50$/);
  assert.match(lines[4]!, /^chain-500\s+500\s+ms\/step\s+2\.00\s+3\.00\s+1\.50\s+0\.01\s+0\.02$/);
  assert.ok(lines.includes("PostgreSQL: fsync on."));
  assert.ok(lines.includes("On libSQL only (not run on PostgreSQL): the raw-libSQL ceiling."));
  assert.equal(lines.at(-1), "No warnings in the logs on PostgreSQL.");
});

Deno.test("backendsReport() lists the warnings of the PostgreSQL runs", () => {
  const warned = result("wide-1k", { warnings: { "hub: slow commit": 3 } });
  const text = backendsReport({ ...FIGURES, results: [warned] });
  assert.match(text, /Warnings in the logs on PostgreSQL:\n {2}wide-1k: 3 × hub: slow commit$/);
});

Deno.test("libsqlOnlyLine() joins the parts in one sentence", () => {
  assert.equal(libsqlOnlyLine([]), "Every part of this bench ran on both databases.");
  assert.equal(
    libsqlOnlyLine(["history-1m", "the ceiling", "the probe"]),
    "On libSQL only (not run on PostgreSQL): history-1m, the ceiling and the probe.",
  );
});

Deno.test("postgresJson() survives JSON and keeps each workload's figures", () => {
  const json = JSON.parse(JSON.stringify(postgresJson(FIGURES)));
  assert.equal(json.version, "15.14");
  assert.deepEqual(json.compared[0], {
    name: "wide-1k",
    figure: "tasks/s",
    libsql: 800,
    postgres: 400,
    ratio: 0.5,
  });
  assert.deepEqual(json.workloads.map((w: { name: string }) => w.name), ["wide-1k", "chain-500"]);
});
