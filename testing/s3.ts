/**
 * A throwaway S3-protocol server for tests: `s3rver` (from npm) on a free
 * port of 127.0.0.1, its objects in a directory of the caller's, with the
 * buckets asked for; and the environment a worker needs to reach it
 * (`AWS_ENDPOINT_URL_S3`, its fixed credentials).
 *
 * s3rver keeps objects, metadata, copies and multipart uploads, but ignores
 * conditional writes (`If-None-Match: *` on a copy is accepted and
 * overwrites): tests of what depends on them say so. Its ListObjectsV2 fails
 * past 1,000 keys: list with v1 and markers.
 *
 * @module
 */
import S3rver from "s3rver";

/** A running server. */
export interface S3Server extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** What a process needs to reach it with the AWS SDK's usual variables. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts s3rver with `buckets` made. */
export async function startS3(options: { dir: string; buckets: string[] }): Promise<S3Server> {
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: options.dir,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REGION: "us-east-1",
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
