import assert from "node:assert/strict";
import type { Trigger } from "../../shared/api_schemas_triggers.ts";
import { fakeFamily } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";
import { formatTrigger, formatTriggers } from "./trigger.ts";

const trigger = (overrides: Partial<Trigger> = {}): Trigger => ({
  id: "trg_1",
  name: "orders",
  source: { kind: "jetstream", servers: ["nats1:4222"], stream: "ORDERS", subject: "orders.>" },
  family: "Report",
  version: null,
  params: { region: "eu" },
  mapping: { day: "/day" },
  keyField: null,
  priority: 0,
  paused: null,
  status: {
    state: "consuming",
    error: null,
    pending: 12,
    accepted: 40,
    duplicates: 2,
    rejected: 1,
    lastMessageAt: 0,
  },
  createdBy: "ops",
  createdAt: 0,
  ...overrides,
});

const REPORT = fakeFamily({
  name: "Report",
  paramsSchema: {
    type: "object",
    properties: { day: { type: "string" }, region: { type: "string" } },
    required: ["day", "region"],
  },
});

Deno.test("trigger create sends the JetStream source, the mapping and converted parameters", async () => {
  const { code, stdout, requests } = await runAgainst(
    [
      "trigger",
      "create",
      "orders",
      "Report",
      "--jetstream",
      "ORDERS",
      "--server",
      "nats1:4222",
      "--server",
      "nats2:4222",
      "--subject",
      "orders.>",
      "--ack-wait",
      "1m",
      "--nats-auth",
      "user:drover:NATS_PASSWORD",
      "-p",
      "region=eu",
      "--map",
      "day=/day",
      "--paused",
    ],
    {
      "GET /api/families/Report": inTurn(REPORT),
      "POST /api/triggers": inTurn(trigger({ paused: { at: 0, reason: "created paused" } })),
    },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests.at(-1)?.body, {
    name: "orders",
    source: {
      kind: "jetstream",
      servers: ["nats1:4222", "nats2:4222"],
      stream: "ORDERS",
      subject: "orders.>",
      auth: { kind: "user", user: "drover", passwordEnv: "NATS_PASSWORD" },
      ackWaitMs: 60_000,
    },
    family: "Report",
    params: { region: "eu" },
    mapping: { day: "/day" },
    paused: true,
  });
  assert.equal(
    stdout,
    'Created trigger orders: jetstream ORDERS orders.> → Report (paused: "drover trigger ' +
      'resume orders" starts it)\n',
  );
});

Deno.test("trigger list, show, pause, resume, delete; usage errors exit 2", async () => {
  const list = await runAgainst(["trigger", "list"], {
    "GET /api/triggers": inTurn({ triggers: [trigger()] }),
  });
  assert.match(list.stdout, /^NAME +SOURCE +FAMILY +MAPPING +STATE +LAG +RUNS$/m);
  assert.match(
    list.stdout,
    /^orders +jetstream ORDERS orders\.> +Report +day=\/day +consuming +12 +40$/m,
  );
  const shown = formatTrigger(
    trigger({ status: { ...trigger().status, state: "failing", error: "no route" } }),
  );
  assert.match(shown, /^Consumer +drover-orders \(new consumers start at new messages\)$/m);
  assert.match(shown, /^State +failing: no route$/m);
  assert.match(
    shown,
    /^On this hub +40 run\(s\) made, 2 redelivered message\(s\) found theirs, 1 rejected/m,
  );
  const json = await runAgainst(["trigger", "show", "orders", "--json"], {
    "GET /api/triggers/orders": inTurn(trigger()),
  });
  assert.equal(JSON.parse(json.stdout).status.accepted, 40);
  const paused = await runAgainst(["trigger", "pause", "orders", "--reason", "upgrade"], {
    "POST /api/triggers/orders/pause": inTurn(trigger({ paused: { at: 0, reason: "upgrade" } })),
  });
  assert.deepEqual(paused.requests.at(-1)?.body, { reason: "upgrade" });
  assert.match(paused.stdout, /^Paused trigger orders: its messages wait on the broker/);
  const resumed = await runAgainst(["trigger", "resume", "orders"], {
    "POST /api/triggers/orders/resume": inTurn(trigger()),
  });
  assert.equal(resumed.code, 0);
  const deleted = await runAgainst(["trigger", "delete", "orders"], {
    "DELETE /api/triggers/orders": inTurn({ name: "orders", deleted: true }),
  });
  assert.equal(deleted.stdout, "Deleted trigger orders; its runs stay\n");
  const missing = await runAgainst(["trigger", "show", "nope"], {
    "GET /api/triggers/nope": inTurn({
      status: 404,
      body: { code: "trigger_not_found", title: 'No trigger is named "nope"' },
    }),
  });
  assert.notEqual(missing.code, 0);
  assert.match(formatTriggers([]), /^No triggers\. Create one with: drover trigger create/);
  const cases: Array<[string[], RegExp]> = [
    [["trigger", "create", "x"], /Missing FAMILY for "trigger create"/],
    [["trigger", "create", "x", "F", "--server", "n:4222"], /needs --jetstream STREAM/],
    [["trigger", "create", "x", "F", "--jetstream", "S"], /needs --server HOST:PORT/],
    [
      ["trigger", "create", "x", "F", "--jetstream", "S", "--server", "n", "--ack-wait", "soon"],
      /"--ack-wait" takes a duration/,
    ],
    [
      ["trigger", "create", "x", "F", "--jetstream", "S", "--server", "n", "--deliver", "old"],
      /"--deliver" got "old"/,
    ],
    [
      ["trigger", "create", "x", "F", "--jetstream", "S", "--server", "n", "--batch", "0"],
      /"--batch" needs an integer from 1 to 1000/,
    ],
    [["trigger", "delete", "x", "--paused"], /"--paused" applies to "trigger create" only/],
    [
      ["trigger", "create", "x", "F", "--jetstream", "S", "--server", "n", "--nats-auth", "pw"],
      /"--nats-auth" takes token:ENV, user:NAME:ENV or creds:FILE, not "pw"/,
    ],
    [["trigger", "resume", "x", "--reason", "r"], /"--reason" applies to "trigger pause" only/],
    [["trigger", "fire", "x"], /Trigger action got "fire"/],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await runAgainst(argv, {});
    assert.equal(code, 2, argv.join(" "));
    assert.match(stderr, message, argv.join(" "));
  }
});
