/** For page tests: hostile strings in every user-controlled field the pages show. */
import { z } from "zod";
import { defineTask } from "../../../shared/task.ts";
import type { TestApp } from "../../test_app.ts";
import type { WorkerLink } from "../../core/worker_links.ts";

/** A payload that would run if any page put it in HTML unescaped. */
export const XSS = `<script>window.__xss=1</script>"><img src=x onerror="window.__xss=2">`;
/** A link target that must never become an href. */
export const JS_URL = "javascript:window.__xss=3";

/** A family whose description is hostile. */
export const Hostile = defineTask({
  family: "Hostile",
  description: `${XSS} ${JS_URL}`,
  params: z.object({ day: z.iso.date().describe(XSS) }),
  run: async () => {},
});

/** Connects a worker with a hostile name and labels. */
export async function hostileWorker(t: TestApp): Promise<void> {
  const link: WorkerLink = {
    workerId: "w_evil",
    name: XSS,
    labels: { region: JS_URL, team: XSS },
    families: [],
    free: 0,
    grantsSent: 0,
    send: () => true,
    close: () => {},
  };
  await t.core.workers.hello(link, {
    type: "hello",
    protocol: 1,
    workerId: "w_evil",
    name: XSS,
    version: XSS,
    labels: { region: JS_URL, team: XSS },
    slots: 2,
    families: [],
    leases: [],
  });
}

/** A pause and a token with hostile names and reasons (both audited). */
export async function hostileRecords(t: TestApp): Promise<void> {
  const json = { "content-type": "application/json" };
  const pause = await t.app.request(`/api/pauses/family/${encodeURIComponent(XSS)}`, {
    method: "PUT",
    headers: json,
    body: JSON.stringify({ reason: XSS }),
  });
  if (pause.status !== 200) throw new Error(`pause: ${pause.status}`);
  const token = await t.app.request("/api/tokens", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ role: "viewer", name: XSS }),
  });
  if (token.status !== 201) throw new Error(`token: ${token.status}`);
  const schedule = await t.app.request("/api/schedules", {
    method: "POST",
    headers: json,
    body: JSON.stringify({
      name: "nightly",
      family: "Hostile",
      cron: "0 3 * * *",
      zone: "Europe/Berlin",
      timeParams: { day: "date" },
    }),
  });
  if (schedule.status !== 201) throw new Error(`schedule: ${schedule.status}`);
  const hook = await t.app.request("/api/hooks", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ name: "push", family: "Hostile", mapping: { day: `/${XSS}` } }),
  });
  if (hook.status !== 201) throw new Error(`hook: ${hook.status} ${await hook.text()}`);
  const trigger = await t.app.request("/api/triggers", {
    method: "POST",
    headers: json,
    body: JSON.stringify({
      name: "orders",
      source: { kind: "jetstream", servers: ["127.0.0.1:1"], stream: "ORDERS", subject: "x.>" },
      family: "Hostile",
      mapping: { day: `/${XSS}` },
      paused: true,
    }),
  });
  if (trigger.status !== 201) throw new Error(`trigger: ${trigger.status} ${await trigger.text()}`);
  const paused = await t.app.request("/api/triggers/orders/pause", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ reason: XSS }),
  });
  if (paused.status !== 200) throw new Error(`trigger pause: ${paused.status}`);
}
