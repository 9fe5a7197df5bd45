/**
 * The certificate authorities a worker trusts for its hubs, read from the
 * PEM file `DROVER_HUB_CA_FILE` names.
 *
 * @module
 */

import { fileReadReason } from "../shared/file_read_reason.ts";

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The PEM certificates in `path` (one or more, as a CA bundle holds them);
 * a `TypeError` names the variable, the file and what is wrong with it.
 *
 * @example
 * ```ts ignore
 * import { readCaFile } from "./read_ca_file.ts";
 * const caCerts = await readCaFile("/etc/drover/hub-ca.pem");
 * ```
 */
export async function readCaFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new TypeError(`Cannot read DROVER_HUB_CA_FILE=${path}: ${fileReadReason(error)}`, {
      cause: error,
    });
  }
  const certs = text.match(CERTIFICATE) ?? [];
  if (certs.length === 0) {
    throw new TypeError(
      `DROVER_HUB_CA_FILE=${path} holds no PEM certificate ` +
        '(a "-----BEGIN CERTIFICATE-----" block): give the CA that signed the hub\'s certificate',
    );
  }
  return certs;
}
