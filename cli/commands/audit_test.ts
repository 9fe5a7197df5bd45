import assert from "node:assert/strict";
import { fakeAuditEntry } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";
import { describeDetail, formatAudit } from "./audit.ts";

const ENTRY = fakeAuditEntry({
  id: 7,
  at: Date.UTC(2026, 10, 23, 9, 30),
  tokenId: "tok_0123456789ab",
  actor: "ci",
  role: "viewer",
  action: "run.cancel",
  target: "run_1",
  outcome: "denied",
  status: 403,
  detail: { code: "forbidden" },
});

Deno.test("audit sends its filters and prints a table, then how to see the next page", async () => {
  const { code, stdout, requests } = await runAgainst(
    ["audit", "--action", "run.cancel", "--limit", "1"],
    { "GET /api/audit": inTurn({ entries: [ENTRY], next: "7" }) },
  );
  assert.equal(code, 0);
  assert.equal(requests[0]?.path, "/api/audit?action=run.cancel&limit=1");
  assert.equal(
    stdout,
    [
      "TIME                  ACTOR  ROLE    ACTION      TARGET  OUTCOME       DETAIL",
      '2026-11-23 09:30:00Z  ci     viewer  run.cancel  run_1   denied (403)  code="forbidden"',
      "More: drover audit --action run.cancel --limit 1 --cursor 7",
      "",
    ].join("\n"),
  );
});

Deno.test("audit --actor and --target filter by who and what, and the next page keeps them", async () => {
  const { code, stdout, requests } = await runAgainst(
    ["audit", "--actor", "tok_0123456789ab", "--target", "run 1", "--limit", "1"],
    { "GET /api/audit": inTurn({ entries: [ENTRY], next: "7" }) },
  );
  assert.equal(code, 0);
  assert.equal(requests[0]?.path, "/api/audit?actor=tok_0123456789ab&target=run+1&limit=1");
  assert.match(
    stdout,
    /^More: drover audit --actor tok_0123456789ab --target 'run 1' --limit 1 --cursor 7$/m,
  );
});

Deno.test("audit --json prints the page as the hub sent it", async () => {
  const { stdout } = await runAgainst(["audit", "--json"], {
    "GET /api/audit": inTurn({ entries: [ENTRY], next: null }),
  });
  assert.deepEqual(JSON.parse(stdout), { entries: [ENTRY], next: null });
});

Deno.test("formatAudit() shows a token id when the actor has no name, and an empty log", () => {
  const anonymous = fakeAuditEntry({
    ...ENTRY,
    actor: null,
    outcome: "ok",
    status: 200,
    detail: {},
  });
  assert.match(formatAudit([anonymous]), /tok_0123456789ab +viewer +run\.cancel +run_1 +ok$/m);
  assert.equal(formatAudit([]), "No audit entries match.");
});

Deno.test("describeDetail() prints an entry's detail as key=value pairs", () => {
  assert.equal(
    describeDetail({ reason: "wrong day", cancelled: 3 }),
    'reason="wrong day" cancelled=3',
  );
  assert.equal(describeDetail({}), "");
});
