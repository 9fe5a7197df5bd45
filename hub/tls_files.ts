/**
 * The hub's certificate and key for HTTPS, read from the PEM files its
 * configuration names, with one clear line for each way they can be wrong.
 */
import { fileReadReason } from "../shared/file_read_reason.ts";
import { ListenError } from "./listen_error.ts";

/** A certificate chain and its private key, as PEM text (what `Deno.serve` takes). */
export interface TlsPem {
  cert: string;
  key: string;
}

/**
 * Reads `certFile` (the hub's certificate, then any intermediates) and
 * `keyFile` (its private key); throws a {@link ListenError} naming the
 * variable and the file when one cannot be read or is not PEM.
 */
export async function readTlsFiles(files: { certFile: string; keyFile: string }): Promise<TlsPem> {
  const cert = await readPem("DROVER_TLS_CERT_FILE", files.certFile);
  const key = await readPem("DROVER_TLS_KEY_FILE", files.keyFile);
  if (!cert.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ListenError(
      `DROVER_TLS_CERT_FILE=${files.certFile} holds no PEM certificate ` +
        '(a "-----BEGIN CERTIFICATE-----" block): give the hub\'s certificate, then its intermediates',
    );
  }
  if (!/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(key)) {
    throw new ListenError(
      `DROVER_TLS_KEY_FILE=${files.keyFile} holds no PEM private key ` +
        '(a "-----BEGIN PRIVATE KEY-----" block)',
    );
  }
  return { cert, key };
}

async function readPem(variable: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new ListenError(`Cannot read ${variable}=${path}: ${fileReadReason(error)}`, {
      cause: error,
    });
  }
}

/**
 * What `Deno.serve` threw for a certificate and key it could not use (a key
 * that is not the certificate's, a malformed block), as a {@link ListenError}.
 */
export function tlsServeError(error: unknown): ListenError {
  return new ListenError(
    "Cannot serve HTTPS with DROVER_TLS_CERT_FILE and DROVER_TLS_KEY_FILE: " +
      `${(error as Error).message} (is the key the certificate's own, both in PEM?)`,
    { cause: error },
  );
}
