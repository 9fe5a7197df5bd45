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
 *   that, where the store honours the condition, an object someone else
 *   put there is never overwritten; then a HEAD that verifies the final
 *   object carries this attempt's mark; then the staging object is
 *   deleted. A repeat finds the final object marked as its own and only
 *   finishes the clean-up. A store that ignores the condition overwrites
 *   the key: harmless within Drover (only the accepted attempt commits),
 *   not for an object something else put there.
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
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { clientFor, head, parseS3Uri, resolved, type S3Options } from "./s3_client.ts";
import {
  type OutputData,
  safeStageKey,
  type StagedDescription,
  type StagedOutput,
  type Target,
} from "../shared/targets/target.ts";

export { parseS3Uri, type S3Options } from "./s3_client.ts";

/** The staged outputs' kind, for `registerStagedKind`. */
export const S3_KIND = "s3";
/** Where staging objects go, in the target's bucket. */
export const STAGING_PREFIX = ".drover-staging/";
/** Outputs larger than this go up in parts of this size. */
export const PART_BYTES = 8 * 1024 * 1024;
/** The metadata key (`x-amz-meta-…`) naming the attempt that wrote an object. */
const MARK = "drover-attempt";

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
    const safe = safeStageKey(stageKey);
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

  /**
   * Up to 8 MiB: one PUT. More, or a stream: a multipart upload, each 8 MiB
   * part sent as soon as it is filled (a stream is never held whole).
   */
  async write(data: OutputData): Promise<void> {
    const bytes = data instanceof ReadableStream
      ? null
      : typeof data === "string"
      ? new TextEncoder().encode(data)
      : data;
    const { client, bucket } = this.target;
    const common = { Bucket: bucket, Key: this.#key, Metadata: { [MARK]: this.#mark } };
    if (bytes !== null && bytes.length <= PART_BYTES) {
      // The usual output: one request, and no part buffer.
      await client.send(new PutObjectCommand({ ...common, Body: bytes }));
      this.#written = true;
      return;
    }
    const chunks = bytes ? [bytes] : data as ReadableStream<Uint8Array>;
    let upload: string | undefined;
    const parts: { ETag?: string; PartNumber: number }[] = [];
    const send = async (body: Uint8Array) => {
      upload ??= (await client.send(new CreateMultipartUploadCommand(common))).UploadId!;
      const PartNumber = parts.length + 1;
      const { ETag } = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: this.#key,
          UploadId: upload,
          PartNumber,
          Body: body,
        }),
      );
      parts.push({ ETag, PartNumber });
    };
    try {
      let buffer = new Uint8Array(PART_BYTES);
      let filled = 0;
      for await (const chunk of chunks) {
        for (let offset = 0; offset < chunk.length;) {
          const n = Math.min(chunk.length - offset, PART_BYTES - filled);
          buffer.set(chunk.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
          if (filled === PART_BYTES) {
            await send(buffer);
            buffer = new Uint8Array(PART_BYTES);
            filled = 0;
          }
        }
      }
      if (upload === undefined) {
        await client.send(new PutObjectCommand({ ...common, Body: buffer.subarray(0, filled) }));
      } else {
        if (filled > 0) await send(buffer.subarray(0, filled));
        await client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: this.#key,
            UploadId: upload,
            MultipartUpload: { Parts: parts },
          }),
        );
      }
    } catch (error) {
      if (upload !== undefined) {
        await client.send(
          new AbortMultipartUploadCommand({ Bucket: bucket, Key: this.#key, UploadId: upload }),
        ).catch(() => {});
      }
      throw error;
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
