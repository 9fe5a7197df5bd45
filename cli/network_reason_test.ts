import assert from "node:assert/strict";
import { networkReason } from "./network_reason.ts";

Deno.test("networkReason() names common network failures in a few words", () => {
  const wrapped = (inner: string) => new TypeError("fetch failed", { cause: new Error(inner) });
  assert.equal(
    networkReason(
      wrapped(
        "error sending request for url (http://x/): client error (Connect): dns error: " +
          "failed to lookup address information: Name or service not known",
      ),
      1000,
    ),
    "host not found",
  );
  assert.equal(
    networkReason(new DOMException("Signal timed out.", "TimeoutError"), 30_000),
    "no answer within 30 s",
  );
  assert.equal(
    networkReason(new TypeError("Fetch failed: Requests to port 9 are blocked"), 1000),
    "fetch refuses port 9 (a reserved port); use another port",
  );
  assert.equal(
    networkReason(
      wrapped("error sending request for url (http://x/): client error (Connect): odd failure"),
      1000,
    ),
    "odd failure",
  );
});
