/**
 * A hub whose certificate or key file is missing, not PEM, or not a pair
 * stops before it serves, with one line naming the variable and the file.
 */
import assert from "node:assert/strict";
import { ListenError, loadHubConfig, startHub } from "../hub/mod.ts";
import { createLogger } from "../shared/log.ts";
import { makeTestCertificates } from "../testing/test_certificates.ts";

/** What `startHub()` threw for these certificate files (it must be a ListenError). */
async function refusal(certFile: string, keyFile: string): Promise<string> {
  const config = loadHubConfig({
    DROVER_DB_URL: ":memory:",
    DROVER_PORT: "0",
    DROVER_TLS_CERT_FILE: certFile,
    DROVER_TLS_KEY_FILE: keyFile,
  });
  try {
    const hub = await startHub(config, { log: createLogger({ level: "error", write: () => {} }) });
    await hub.close();
  } catch (error) {
    assert.ok(error instanceof ListenError, `expected a ListenError, got ${error}`);
    return error.message;
  }
  assert.fail("the hub started");
}

Deno.test("a hub refuses certificate files it cannot use, naming the variable and the file", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-tls-files-" });
  try {
    const certs = await makeTestCertificates(dir);

    await t.step("a file that is not there", async () => {
      assert.equal(
        await refusal(`${dir}/missing.pem`, certs.keyFile),
        `Cannot read DROVER_TLS_CERT_FILE=${dir}/missing.pem: no such file`,
      );
    });
    await t.step("a certificate file with no certificate in it", async () => {
      assert.match(
        await refusal(certs.keyFile, certs.keyFile),
        /^DROVER_TLS_CERT_FILE=.*hub\.key holds no PEM certificate \(a "-----BEGIN CERTIFICATE-----" block\)/,
      );
    });
    await t.step("a key file with no key in it", async () => {
      assert.match(
        await refusal(certs.certFile, certs.caFile),
        /^DROVER_TLS_KEY_FILE=.*ca\.pem holds no PEM private key/,
      );
    });
    await t.step("a key that is not the certificate's own", async () => {
      assert.match(
        await refusal(certs.certFile, `${dir}/ca.key`),
        /^Cannot serve HTTPS with DROVER_TLS_CERT_FILE and DROVER_TLS_KEY_FILE: .*\(is the key the certificate's own, both in PEM\?\)$/,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
