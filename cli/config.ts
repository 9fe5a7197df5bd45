/**
 * Where the hub is and how to authenticate: `--url`/`--token` flags first,
 * then `DROVER_URL`/`DROVER_TOKEN`, then the default URL.
 */
import { z } from "zod";
import { type TokenSource, UsageError } from "./errors.ts";

/** The hub address used when neither `--url` nor `DROVER_URL` is set. */
export const DEFAULT_HUB_URL = "http://127.0.0.1:8080";

/** What the API client needs. */
export interface ClientConfig {
  /** The hub's base URL without a trailing slash. */
  baseUrl: string;
  /** Sent as a bearer token when set. */
  token: string | null;
  /** Where {@link ClientConfig.token} came from, for error messages; null without a token. */
  tokenSource: TokenSource | null;
  /** A PEM file of CAs trusted for an `https://` hub besides the default roots (`DROVER_HUB_CA_FILE`). */
  caFile?: string;
}

const envSchema = z.object({
  DROVER_URL: z.string().optional(),
  DROVER_TOKEN: z.string().optional(),
  DROVER_HUB_CA_FILE: z.string().optional(),
});

/** Resolves the config from flags and the environment; a bad URL is a {@link UsageError}. */
export function loadClientConfig(
  flags: { url: string | null; token: string | null },
  env: Record<string, string | undefined>,
): ClientConfig {
  const parsed = envSchema.parse(env);
  const fromEnv = nonEmpty(parsed.DROVER_URL);
  const source = flags.url !== null ? "--url" : fromEnv !== null ? "DROVER_URL" : "default";
  const url = flags.url ?? fromEnv ?? DEFAULT_HUB_URL;
  const envToken = nonEmpty(parsed.DROVER_TOKEN);
  const caFile = nonEmpty(parsed.DROVER_HUB_CA_FILE);
  return {
    baseUrl: normalizeBaseUrl(url, source),
    token: flags.token ?? envToken,
    tokenSource: flags.token !== null ? "--token" : envToken !== null ? "DROVER_TOKEN" : null,
    ...(caFile === null ? {} : { caFile }),
  };
}

function normalizeBaseUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new UsageError(`Invalid hub URL "${text}" (from ${source}): use http://HOST:PORT`, {
      cause,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `Invalid hub URL "${text}" (from ${source}): the scheme must be http or https`,
    );
  }
  if (url.search || url.hash) {
    throw new UsageError(
      `Invalid hub URL "${text}" (from ${source}): drop the query string and fragment`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === "" ? null : value;
}
