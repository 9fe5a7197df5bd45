/**
 * The stream triggers on the Schedules page: where each reads, what it
 * runs, and its consumer's state, lag and counts on the hub that answered.
 */
import type { Trigger } from "../../../shared/api_schemas_triggers.ts";
import { Empty, Time } from "../components.tsx";

/** The triggers as a table, or a line saying how to make one. */
export function TriggersTable(props: { triggers: readonly Trigger[]; now: number }) {
  if (props.triggers.length === 0) {
    return (
      <Empty title="No stream triggers yet">
        Create one with drover trigger create or POST /api/triggers.
      </Empty>
    );
  }
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>Trigger</th>
          <th>Reads</th>
          <th>Family</th>
          <th>Parameters from the message</th>
          <th>State</th>
          <th>Lag</th>
          <th>On this hub</th>
        </tr>
      </thead>
      <tbody>
        {props.triggers.map((t) => {
          const source = t.source as { kind: string; stream?: string; subject?: string };
          const s = t.status;
          return (
            <tr key={t.id}>
              <td class="mono">{t.name}</td>
              <td class="mono small">
                {source.kind} {source.stream}
                {source.subject ? ` ${source.subject}` : ""}
              </td>
              <td>
                <a href={`/ui/families/${encodeURIComponent(t.family)}`}>{t.family}</a>
              </td>
              <td class="mono small">
                {Object.entries(t.mapping).map(([k, v]) => `${k} ← ${v}`).join(", ") || "—"}
              </td>
              <td>
                {t.paused
                  ? (
                    <>
                      <span class="badge state-cancelled">paused</span>
                      {t.paused.reason ? <div class="muted small">{t.paused.reason}</div> : null}
                    </>
                  )
                  : (
                    <>
                      <span
                        class={`badge ${
                          s.state === "consuming"
                            ? "state-done"
                            : s.state === "failing"
                            ? "state-failed"
                            : "state-running"
                        }`}
                      >
                        {s.state}
                      </span>
                      {s.error ? <div class="muted small">{s.error}</div> : null}
                    </>
                  )}
              </td>
              <td class="num">{s.pending === null ? "—" : s.pending}</td>
              <td class="small">
                {s.accepted} runs, {s.duplicates} redelivered, {s.rejected} rejected
                {s.lastMessageAt === null ? null : (
                  <div class="muted">
                    last <Time at={s.lastMessageAt} now={props.now} />
                  </div>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
