/**
 * Objects in an S3-compatible store (AWS S3, MinIO, Cloudflare R2, GCS's S3
 * interoperability), published exactly once like a `LocalTarget`:
 *
 * - **Stage.** An attempt writes to its own staging key, under a prefix
 *   readers do not list (`.drover-staging/<key>.<attempt>`), marked with the
 *   attempt's key in the object's metadata. Outputs over 8 MiB go up in
 *   parts (multipart upload).
 * - **Commit** (after the hub accepted the publication; safe to repeat): a
 *   server-side copy to the final key, conditional (`If-None-Match: *`) so
 *   that an object someone else put there is never overwritten; then a HEAD
 *   that verifies the final object carries this attempt's mark (the check
 *   that stands in for the condition on stores that ignore it); then the
 *   staging object is deleted. A repeat finds the final object marked as
 *   its own and only finishes the clean-up.
 * - **Discard** deletes the staging object and aborts any unfinished
 *   multipart upload under its key.
 *
 * Credentials come from the SDK's usual chain (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, profiles, instance roles); the endpoint and region
 * from the options or `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, `AWS_REGION`.
 * A staged output's description holds the bucket, keys, endpoint and region,
 * never a secret. Register the kind on workers that use it:
 * `registerStagedKind(S3_KIND, restoreS3Staged)`.
 *
 * @module
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { StagedDescription, StagedOutput, Target } from "../shared/targets/target.ts";

/** The staged outputs' kind, for `registerStagedKind`. */
export const S3_KIND = "s3";
/** Where staging objects go, in the target's bucket. */
export const STAGING_PREFIX = ".drover-staging/";
/** Outputs larger than this go up in parts of this size. */
export const PART_BYTES = 8 * 1024 * 1024;
/** The metadata key (`x-amz-meta-…`) naming the attempt that wrote an object. */
const MARK = "drover-attempt";

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
function clientFor(o: Required<S3Options>): S3Client {
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

function resolved(options: S3Options): Required<S3Options> {
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

/**
 * An object output.
 *
 * @example
 * ```ts ignore
 * import { S3Target } from "./s3_target.ts";
 * const t = new S3Target("s3://raw-data/events/2026-12-01.jsonl");
 * console.log(await t.exists());
 * ```
 */
export class S3Target implements Target {
  readonly bucket: string;
  readonly key: string;
  readonly options: Required<S3Options>;

  constructor(uri: string, options: S3Options = {}) {
    ({ bucket: this.bucket, key: this.key } = parseS3Uri(uri));
    if (this.key.startsWith(STAGING_PREFIX)) {
      throw new TypeError(`An S3Target's key cannot be under ${STAGING_PREFIX}: "${uri}"`);
    }
    this.options = resolved(options);
  }

  get uri(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  /** The store's client. */
  get client(): S3Client {
    return clientFor(this.options);
  }

  /** Whether the final object exists (a HEAD). */
  async exists(): Promise<boolean> {
    return (await head(this.client, this.bucket, this.key)) !== null;
  }

  /** Reads the final object as text. */
  async readText(): Promise<string> {
    const out = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.key }),
    );
    return await out.Body!.transformToString();
  }

  stage(stageKey: string): StagedOutput {
    const safe = stageKey.replace(/[^A-Za-z0-9._-]+/g, "-");
    return new S3StagedOutput(this, `${STAGING_PREFIX}${this.key}.${safe}`, safe);
  }
}

/** Turns an outbox description of kind `s3` back into its staged output. */
export function restoreS3Staged(d: StagedDescription): StagedOutput {
  const o = d.options ?? {};
  const target = new S3Target(d.final, {
    endpoint: typeof o.endpoint === "string" ? o.endpoint : undefined,
    region: typeof o.region === "string" ? o.region : undefined,
    forcePathStyle: typeof o.forcePathStyle === "boolean" ? o.forcePathStyle : undefined,
  });
  const staging = parseS3Uri(d.staging);
  if (staging.bucket !== target.bucket) {
    throw new TypeError(`A staged S3 output in another bucket than its target: ${d.staging}`);
  }
  const mark = typeof o.mark === "string"
    ? o.mark
    : staging.key.slice(staging.key.lastIndexOf(".") + 1);
  return new S3StagedOutput(target, staging.key, mark);
}

class S3StagedOutput implements StagedOutput {
  readonly target: S3Target;
  readonly #key: string;
  readonly #mark: string;
  #written = false;

  constructor(target: S3Target, key: string, mark: string) {
    this.target = target;
    this.#key = key;
    this.#mark = mark;
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const { client, bucket } = this.target;
    const common = { Bucket: bucket, Key: this.#key, Metadata: { [MARK]: this.#mark } };
    if (bytes.length <= PART_BYTES) {
      await client.send(new PutObjectCommand({ ...common, Body: bytes }));
    } else {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand(common));
      try {
        const parts = [];
        for (let i = 0; i * PART_BYTES < bytes.length; i++) {
          const { ETag } = await client.send(
            new UploadPartCommand({
              Bucket: bucket,
              Key: this.#key,
              UploadId,
              PartNumber: i + 1,
              Body: bytes.subarray(i * PART_BYTES, (i + 1) * PART_BYTES),
            }),
          );
          parts.push({ ETag, PartNumber: i + 1 });
        }
        await client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: this.#key,
            UploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      } catch (error) {
        await client.send(
          new AbortMultipartUploadCommand({ Bucket: bucket, Key: this.#key, UploadId }),
        ).catch(() => {});
        throw error;
      }
    }
    this.#written = true;
  }

  async written(): Promise<boolean> {
    return this.#written ||
      (await head(this.target.client, this.target.bucket, this.#key)) !== null;
  }

  async commit(): Promise<void> {
    const { client, bucket, key } = this.target;
    const staged = await head(client, bucket, this.#key);
    if (staged === null) {
      // Nothing staged: a repeat after a commit that got as far as the clean-up.
      if (await this.#finalIsOurs()) return;
      throw new Error(
        `Nothing staged at s3://${bucket}/${this.#key} to commit to ${this.target.uri}`,
      );
    }
    try {
      await client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: key,
          CopySource: `${bucket}/${encodeURIComponent(this.#key).replaceAll("%2F", "/")}`,
          IfNoneMatch: "*",
        }),
      );
    } catch (error) {
      // 412: something is there already; ours (an earlier commit of this attempt) is fine.
      if (!(error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412)) {
        throw error;
      }
    }
    if (!await this.#finalIsOurs()) {
      throw new Error(
        `${this.target.uri} exists and was not written by this attempt: not overwritten`,
      );
    }
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: this.#key }));
    this.#written = false;
  }

  async discard(): Promise<void> {
    this.#written = false;
    const { client, bucket } = this.target;
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: this.#key }));
    // A process killed inside a multipart write leaves an unfinished upload: abort it.
    const uploads = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: this.#key }),
    ).catch(() => ({ Uploads: [] }));
    for (const u of uploads.Uploads ?? []) {
      if (u.Key !== this.#key) continue;
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }),
      ).catch(() => {});
    }
  }

  describe(): StagedDescription {
    const { endpoint, region, forcePathStyle } = this.target.options;
    return {
      kind: S3_KIND,
      final: this.target.uri,
      staging: `s3://${this.target.bucket}/${this.#key}`,
      options: { endpoint, region, forcePathStyle, mark: this.#mark },
    };
  }

  async #finalIsOurs(): Promise<boolean> {
    const final = await head(this.target.client, this.target.bucket, this.target.key);
    return final?.Metadata?.[MARK] === this.#mark;
  }
}

/** A HEAD: the object's metadata, or null when there is no such object. */
async function head(client: S3Client, bucket: string, key: string) {
  try {
    return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return null;
    throw error;
  }
}
