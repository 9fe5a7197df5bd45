/**
 * `/ui/workers`: the fleet by region — labels, version, slots in use, leases
 * held, last renewal, the figures workers report — with cordon, uncordon and
 * drain for operators. Refreshes on `worker.*` events.
 */
import type { FC } from "hono/jsx";
import type { Worker } from "../../../shared/api_schemas_admin.ts";
import type { WorkerFigures } from "../../../shared/protocol.ts";
import { OPERATE, READ } from "../../http/roles.ts";
import { listWorkers } from "../../queries/workers.ts";
import { ActionButton, apiPath } from "../action_button.tsx";
import { Empty, Labels, StateBadge, Time } from "../components.tsx";
import { plural } from "../format.ts";
import { PageHead } from "../layout.tsx";
import { may, uiPage } from "../page_route.tsx";
import type { UiApp, UiDeps } from "../ui_deps.ts";

/** Mounts `/ui/workers` (`?region=` shows one region). */
export function workersPage(app: UiApp, deps: UiDeps): void {
  uiPage(app, deps, { path: "/ui/workers", nav: "workers", allow: READ }, async (p) => {
    const all = await deps.core.read((db) => listWorkers(db));
    const region = p.c.req.query("region");
    const shown = region ? all.filter((w) => regionOf(w) === region) : all;
    const regions = Map.groupBy(shown, regionOf);
    const names = [...regions.keys()].sort((a, b) => a.localeCompare(b));
    const connected = all.filter((w) => w.state === "connected");
    const operate = may(p.principal, OPERATE);
    const figures = (w: Worker) => deps.core.links.get(w.id)?.figures;
    return {
      title: "Workers",
      body: (
        <>
          <PageHead
            title="Workers"
            sub={`${connected.length} connected of ${all.length} seen, ` +
              `${connected.reduce((n, w) => n + w.slots, 0)} slots, ` +
              `${connected.reduce((n, w) => n + w.leases, 0)} leases held`}
            actions={region ? <a class="btn" href="/ui/workers">All regions</a> : undefined}
          />
          <div id="workers-live" data-live="worker.*">
            {names.length === 0
              ? (
                <Empty title="No workers yet">
                  Start one with deno task worker; it appears here when it connects.
                </Empty>
              )
              : names.map((name) => (
                <section key={name}>
                  <div class="region-head">
                    <h2>
                      <a href={`/ui/workers?region=${encodeURIComponent(name)}`}>{name}</a>
                    </h2>
                    <span class="muted">{plural(regions.get(name)!.length, "worker")}</span>
                  </div>
                  <WorkerTable
                    workers={regions.get(name)!}
                    now={p.now}
                    operate={operate}
                    figures={figures}
                  />
                </section>
              ))}
          </div>
        </>
      ),
    };
  });
}

/** A worker's `region` label, or "no region". */
function regionOf(w: Worker): string {
  return w.labels.region ?? "no region";
}

const WorkerTable: FC<{
  workers: Worker[];
  now: number;
  operate: boolean;
  figures: (w: Worker) => WorkerFigures | undefined;
}> = ({ workers, now, operate, figures }) => (
  <table class="grid fixed">
    <thead>
      <tr>
        <th>Worker</th>
        <th class="c-m">State</th>
        <th>Labels</th>
        <th class="c-s">Version</th>
        <th class="num c-m">Slots in use</th>
        <th class="num c-xs">Leases</th>
        <th class="c-m">Last renewal</th>
        <th class="c-l">Reported</th>
        {operate ? <th class="c-actions"></th> : null}
      </tr>
    </thead>
    <tbody>
      {workers.map((w) => {
        const f = figures(w);
        const inUse = f?.slotsInUse ?? w.leases;
        return (
          <tr key={w.id}>
            <td>
              <div>{w.name}</div>
              <div class="muted small mono">{w.id}</div>
            </td>
            <td>
              <span class="chips">
                <StateBadge state={w.state} />
                {w.draining
                  ? <StateBadge state="draining" />
                  : w.cordoned
                  ? <StateBadge state="cordoned" />
                  : null}
              </span>
            </td>
            <td>
              <Labels labels={w.labels} />
            </td>
            <td class="mono">{w.version}</td>
            <td class="num">
              <span class="bar">
                <span class={`w${Math.round(Math.min(1, inUse / Math.max(1, w.slots)) * 10)}`} />
              </span>
              {inUse}/{w.slots}
            </td>
            <td class="num">{w.leases}</td>
            <td>
              <Time at={w.lastSeenAt} now={now} />
            </td>
            <td class="small">{f ? <Figures f={f} /> : <span class="muted">—</span>}</td>
            {operate ? <WorkerActions w={w} /> : null}
          </tr>
        );
      })}
    </tbody>
  </table>
);

const Figures: FC<{ f: WorkerFigures }> = ({ f }) => (
  <span>
    {`${Math.round(f.rssBytes / 1_048_576)} MiB · loop delay ${f.eventLoopDelayMs.toFixed(1)} ms` +
      ` (max ${f.eventLoopDelayMaxMs.toFixed(0)})`}
    {f.outbox > 0 ? ` · outbox ${f.outbox}` : ""}
    {f.logLinesDropped > 0 ? ` · ${f.logLinesDropped} log lines dropped` : ""}
  </span>
);

const WorkerActions: FC<{ w: Worker }> = ({ w }) => {
  const url = (verb: string) => apiPath("workers", w.id, verb);
  return (
    <td class="actions">
      {w.cordoned
        ? (
          <ActionButton
            url={url("uncordon")}
            label="Uncordon"
            title={`Uncordon ${w.name}?`}
            confirm={`${w.name} will take new leases again.`}
            done={`${w.name} uncordoned`}
          />
        )
        : (
          <ActionButton
            url={url("cordon")}
            label="Cordon"
            title={`Cordon ${w.name}?`}
            confirm={`${w.name} will take no new leases; its ${w.leases} running task(s) go on.`}
            done={`${w.name} cordoned`}
          />
        )} {!w.draining && w.state === "connected"
        ? (
          <ActionButton
            url={url("drain")}
            label="Drain"
            danger
            title={`Drain ${w.name}?`}
            confirm={`${w.name} will take no new leases, finish its ${w.leases} running ` +
              "task(s), then disconnect for good (its process exits)."}
            done={`${w.name} is draining`}
          />
        )
        : null}
    </td>
  );
};
