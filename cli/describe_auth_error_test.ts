import assert from "node:assert/strict";
import { describeAuthError } from "./describe_auth_error.ts";
import { HubAuthError } from "./errors.ts";

Deno.test("describeAuthError() asks for a token when none was sent", () => {
  assert.equal(
    describeAuthError(new HubAuthError(401, "unauthorized", "a token is required", null)),
    "the hub requires a token (401 unauthorized): a token is required; set DROVER_TOKEN or " +
      "pass --token (an admin makes one with: drover token create --role operator)",
  );
});

Deno.test("describeAuthError() names where a refused token came from", () => {
  assert.equal(
    describeAuthError(new HubAuthError(401, "unauthorized", "token revoked", "DROVER_TOKEN")),
    "the hub refused the token from DROVER_TOKEN (401 unauthorized): token revoked",
  );
  assert.equal(
    describeAuthError(
      new HubAuthError(403, "forbidden", "role viewer; allowed: admin, operator", "--token"),
    ),
    "the hub does not let the token from --token do this (403 forbidden): " +
      "role viewer; allowed: admin, operator",
  );
});
