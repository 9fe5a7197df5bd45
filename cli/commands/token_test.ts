import assert from "node:assert/strict";
import type { TokenRole } from "../../shared/api_schemas_admin.ts";
import { TOKEN_PATTERN } from "../../shared/token_format.ts";
import { fakeCreatedToken } from "../fake_answers.ts";
import { runAgainst } from "../fake_hub.ts";

const created = (role: TokenRole, scope: Record<string, string>) =>
  fakeCreatedToken({ role, scope, name: role });

Deno.test("token generate prints a token offline, whatever the hub URL", async () => {
  const { code, stdout, stderr, requests } = await runAgainst(["token", "generate"], {}, {
    env: { DROVER_URL: "not a url" },
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout.trimEnd(), TOKEN_PATTERN);
  assert.deepEqual(requests, []);
  const json = await runAgainst(["token", "generate", "--json"], {});
  assert.match(JSON.parse(json.stdout).token, TOKEN_PATTERN);
});

Deno.test("token create of a worker token sends its scope and says where the token goes", async () => {
  const { code, stdout, stderr, requests } = await runAgainst(
    ["token", "create", "--scope", "region=eu-west"],
    { "POST /api/tokens": () => Response.json(created("worker", { region: "eu-west" })) },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests[0]?.body, { role: "worker", scope: { region: "eu-west" } });
  assert.match(stdout, /^drv_tok_0123456789ab_x+\n$/);
  assert.match(stderr, /scope region=eu-west\)\. .*DROVER_WORKER_TOKEN/);
});

Deno.test("token create of another role sends no scope and points at DROVER_TOKEN", async () => {
  const { code, stderr, requests } = await runAgainst(
    ["token", "create", "--role", "operator", "--name", "oncall"],
    { "POST /api/tokens": () => Response.json(created("operator", {})) },
  );
  assert.equal(code, 0);
  assert.deepEqual(requests[0]?.body, { role: "operator", name: "oncall" });
  assert.equal(
    stderr,
    "Created operator token tok_0123456789ab. It is shown only now: use it as DROVER_TOKEN " +
      "or --token.\n",
  );
});
