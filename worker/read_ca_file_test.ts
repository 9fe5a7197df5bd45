import assert from "node:assert/strict";
import { readCaFile } from "./read_ca_file.ts";
import { untrustedHub, WorkerRefusedError } from "./worker_refused_error.ts";

const block = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

Deno.test("readCaFile() returns every certificate of a bundle, and names a bad file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drover-ca-file-" });
  try {
    await Deno.writeTextFile(`${dir}/bundle.pem`, `# ours\n${block("AAAA")}\n\n${block("BBBB")}\n`);
    assert.deepEqual(await readCaFile(`${dir}/bundle.pem`), [block("AAAA"), block("BBBB")]);

    await assert.rejects(readCaFile(`${dir}/missing.pem`), {
      name: "TypeError",
      message: `Cannot read DROVER_HUB_CA_FILE=${dir}/missing.pem: no such file`,
    });
    await Deno.writeTextFile(`${dir}/key.pem`, "-----BEGIN PRIVATE KEY-----\nAAAA\n");
    await assert.rejects(readCaFile(`${dir}/key.pem`), {
      name: "TypeError",
      message: `DROVER_HUB_CA_FILE=${dir}/key.pem holds no PEM certificate (a "-----BEGIN ` +
        `CERTIFICATE-----" block): give the CA that signed the hub's certificate`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("untrustedHub() turns a certificate failure into a refusal, and nothing else", () => {
  const refusal = untrustedHub(
    "NetworkError: failed to connect to WebSocket: invalid peer certificate: NotValidForName",
    "https://hub.example:8443",
  );
  assert.ok(refusal instanceof WorkerRefusedError);
  assert.equal(refusal.code, "untrusted_certificate");
  assert.match(
    refusal.message,
    /^The hub at https:\/\/hub\.example:8443 presented a TLS certificate this worker does not trust \(invalid peer certificate: NotValidForName\); set DROVER_HUB_CA_FILE/,
  );
  assert.equal(
    untrustedHub("NetworkError: failed to connect to WebSocket: Connection refused", "x"),
    null,
  );
  assert.equal(untrustedHub(undefined, "x"), null);
});
