/**
 * A private certificate authority and a hub certificate it signed, made with
 * `openssl` in a directory of the caller's: what the TLS tests serve and
 * trust. The hub certificate covers 127.0.0.1, ::1 and localhost, plus any
 * `hosts` given (addresses inside a test's own network namespaces).
 *
 * @module
 */

/** The PEM files {@link makeTestCertificates} wrote. */
export interface TestCertificates {
  /** The CA's certificate: what a worker given `DROVER_HUB_CA_FILE` trusts. */
  caFile: string;
  /** The hub's certificate, signed by the CA (`DROVER_TLS_CERT_FILE`). */
  certFile: string;
  /** The hub certificate's private key (`DROVER_TLS_KEY_FILE`). */
  keyFile: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`openssl ${args[0]} failed (exit ${out.code}): ${why}`);
  }
}

/** Makes a CA and a hub certificate valid for a day in `dir`. */
export async function makeTestCertificates(
  dir: string,
  hosts: readonly string[] = [],
): Promise<TestCertificates> {
  await Deno.mkdir(dir, { recursive: true });
  const ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const args = (text: string) => text.split(/\s+/).filter(Boolean);
  await openssl(
    dir,
    args(`req -x509 ${ec} -keyout ca.key -out ca.pem -days 1 -subj /CN=drover-test-ca
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign`),
  );
  await openssl(dir, args(`req ${ec} -keyout hub.key -out hub.csr -subj /CN=drover-hub`));
  const names = ["IP:127.0.0.1", "IP:::1", "DNS:localhost", ...hosts.map(sanName)];
  await Deno.writeTextFile(
    `${dir}/hub.ext`,
    `subjectAltName=${names.join(",")}\nextendedKeyUsage=serverAuth\n` +
      "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n",
  );
  await openssl(
    dir,
    args(`x509 -req -in hub.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out hub.pem -days 1
      -extfile hub.ext`),
  );
  return { caFile: `${dir}/ca.pem`, certFile: `${dir}/hub.pem`, keyFile: `${dir}/hub.key` };
}

function sanName(host: string): string {
  return /^[\d.]+$/.test(host) || host.includes(":") ? `IP:${host}` : `DNS:${host}`;
}
