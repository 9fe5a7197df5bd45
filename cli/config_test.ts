import assert from "node:assert/strict";
import { DEFAULT_HUB_URL, loadClientConfig } from "./config.ts";

const NO_FLAGS = { url: null, token: null };

Deno.test("loadClientConfig() prefers the flags, then the environment, then the default", () => {
  assert.deepEqual(loadClientConfig(NO_FLAGS, {}), {
    baseUrl: DEFAULT_HUB_URL,
    token: null,
    tokenSource: null,
  });
  assert.deepEqual(
    loadClientConfig(NO_FLAGS, { DROVER_URL: "http://hub:9000/", DROVER_TOKEN: "s3cret" }),
    { baseUrl: "http://hub:9000", token: "s3cret", tokenSource: "DROVER_TOKEN" },
  );
  assert.deepEqual(
    loadClientConfig({ url: "https://other/drover/", token: "t" }, { DROVER_URL: "http://hub" }),
    { baseUrl: "https://other/drover", token: "t", tokenSource: "--token" },
  );
});

Deno.test("loadClientConfig() treats empty environment variables as unset", () => {
  assert.deepEqual(loadClientConfig(NO_FLAGS, { DROVER_URL: "", DROVER_TOKEN: " " }), {
    baseUrl: DEFAULT_HUB_URL,
    token: null,
    tokenSource: null,
  });
});

Deno.test("loadClientConfig() refuses a URL that is not http(s), naming where it came from", () => {
  assert.throws(() => loadClientConfig({ url: "hub:8080", token: null }, {}), {
    name: "UsageError",
    message: /Invalid hub URL "hub:8080" \(from --url\): the scheme must be http or https/,
  });
  assert.throws(
    () => loadClientConfig(NO_FLAGS, { DROVER_URL: "not a url" }),
    /Invalid hub URL "not a url" \(from DROVER_URL\)/,
  );
});

Deno.test("loadClientConfig() takes the hub's CA file from DROVER_HUB_CA_FILE", () => {
  const config = loadClientConfig(NO_FLAGS, { DROVER_HUB_CA_FILE: "/etc/drover/hub-ca.pem" });
  assert.equal(config.caFile, "/etc/drover/hub-ca.pem");
  assert.equal(loadClientConfig(NO_FLAGS, { DROVER_HUB_CA_FILE: " " }).caFile, undefined);
});
