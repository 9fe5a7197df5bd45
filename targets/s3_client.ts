/**
 * Reaching an S3-compatible store: the options, one client per endpoint in
 * the process, `s3://` URIs, and HEAD requests.
 *
 * @module
 */
import { HeadObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";

/** How to reach the store (credentials: the SDK's chain, never here). */
export interface S3Options {
  /** An S3-compatible endpoint; default `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, or AWS. */
  endpoint?: string;
  /** Default `AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`. */
  region?: string;
  /** Path-style URLs (`endpoint/bucket/key`); default true when an endpoint is set. */
  forcePathStyle?: boolean;
}

const clients = new Map<string, S3Client>();

/** One client per endpoint, region and style, shared by every target in the process. */
export function clientFor(o: Required<S3Options>): S3Client {
  const id = `${o.endpoint}|${o.region}|${o.forcePathStyle}`;
  let client = clients.get(id);
  if (!client) {
    client = new S3Client({
      region: o.region,
      forcePathStyle: o.forcePathStyle,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    });
    clients.set(id, client);
  }
  return client;
}

/** `options` with the environment's defaults filled in. */
export function resolved(options: S3Options): Required<S3Options> {
  const env = (name: string) => Deno.env.get(name) || undefined;
  const endpoint = options.endpoint ?? env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ?? "";
  return {
    endpoint,
    region: options.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? "us-east-1",
    forcePathStyle: options.forcePathStyle ?? endpoint !== "",
  };
}

/** Splits `s3://bucket/key`; a clear error for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  if (!m) throw new TypeError(`Not an S3 URI (s3://bucket/key): "${uri}"`);
  return { bucket: m[1]!, key: m[2]! };
}

/** A HEAD: the object's metadata, or null when there is no such object. */
export async function head(client: S3Client, bucket: string, key: string) {
  try {
    return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return null;
    throw error;
  }
}
