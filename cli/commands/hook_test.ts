import assert from "node:assert/strict";
import type { Hook } from "../../shared/api_schemas_hooks.ts";
import { fakeFamily } from "../fake_answers.ts";
import { inTurn, runAgainst } from "../fake_hub.ts";
import { formatHooks } from "./hook.ts";

const hook = (overrides: Partial<Hook> = {}): Hook => ({
  id: "hook_1",
  name: "release",
  family: "Report",
  version: null,
  params: { region: "eu" },
  mapping: { day: "/release/day" },
  idempotencyKey: { header: "X-GitHub-Delivery" },
  priority: 0,
  url: "/api/hooks/release",
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

Deno.test("hook create maps parameters, prints the URL and the secret once", async () => {
  const { code, stdout, requests } = await runAgainst(
    ["hook", "create", "release", "Report", "-p", "region=eu", "--map", "day=/release/day"],
    {
      "GET /api/families/Report": inTurn(REPORT),
      "POST /api/hooks": inTurn({ ...hook(), secret: "whsec_abc" }),
    },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests.at(-1)?.body, {
    name: "release",
    family: "Report",
    params: { region: "eu" },
    mapping: { day: "/release/day" },
  });
  assert.match(stdout, /^Created hook release: POST http:\/\/\S+\/api\/hooks\/release$/m);
  assert.match(stdout, /^Secret \(shown once\): whsec_abc$/m);
});

Deno.test("hook list and delete; usage errors exit 2", async () => {
  const list = await runAgainst(["hook", "list"], {
    "GET /api/hooks": inTurn({ hooks: [hook()] }),
  });
  assert.match(list.stdout, /^NAME +FAMILY +MAPPING +KEY +URL$/m);
  assert.match(
    list.stdout,
    /^release +Report +day=\/release\/day +header X-GitHub-Delivery +\/api\/hooks\/release$/m,
  );
  const deleted = await runAgainst(["hook", "delete", "release"], {
    "DELETE /api/hooks/release": inTurn({ name: "release", deleted: true }),
  });
  assert.equal(
    deleted.stdout,
    "Deleted hook release: its deliveries are refused from now on; its runs stay\n",
  );
  assert.equal(
    formatHooks([]),
    "No hooks. Create one with: drover hook create NAME FAMILY --map PARAM=/POINTER",
  );
  const cases: Array<[string[], RegExp]> = [
    [["hook", "create", "x"], /Missing FAMILY for "hook create"/],
    [["hook", "create", "x", "F", "--map", "day"], /"--map" takes PARAM=\/json\/pointer/],
    [["hook", "create", "x", "F", "--key-header", "A", "--key-field", "/id"], /not both/],
    [["hook", "create", "x", "F", "--key-field", "id"], /"--key-field" takes a JSON pointer/],
    [["hook", "delete", "x", "--secret", "s"], /"--secret" applies to "hook create" only/],
    [["hook", "send", "x"], /Hook action got "send"/],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await runAgainst(argv, {});
    assert.equal(code, 2, argv.join(" "));
    assert.match(stderr, message, argv.join(" "));
  }
});
