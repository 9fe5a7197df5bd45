/**
 * The target contract on S3Target, against a real S3-protocol server
 * (s3rver on loopback): stage → commit twice → one visible object; stage →
 * discard → nothing; a restarted worker commits from a description; a stale
 * attempt's staged object is discarded; large outputs go up in parts.
 */
import assert from "node:assert/strict";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { startS3 } from "../testing/s3.ts";
import { restoreS3Staged, S3_KIND, S3Target, STAGING_PREFIX } from "./s3_target.ts";

Deno.test("S3Target keeps the target contract on a real S3-protocol server", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "drover-s3-" });
  await using s3 = await startS3({ dir, buckets: ["raw-data"] });
  for (const [k, v] of Object.entries(s3.env)) Deno.env.set(k, v);
  const target = (key: string) => new S3Target(`s3://raw-data/${key}`);
  const keys = async () => {
    const out = await target("x").client.send(new ListObjectsV2Command({ Bucket: "raw-data" }));
    return (out.Contents ?? []).map((o) => o.Key!).sort();
  };
  try {
    await t.step("stage, commit twice: one visible object, no staging left", async () => {
      const out = target("events/2026-12-01.jsonl");
      assert.equal(out.uri, "s3://raw-data/events/2026-12-01.jsonl");
      assert.equal(await out.exists(), false);
      const staged = out.stage("task-1@e3");
      await staged.write('{"n":1}\n');
      assert.equal(await out.exists(), false, "staged is invisible at the final key");
      assert.deepEqual(await keys(), [`${STAGING_PREFIX}events/2026-12-01.jsonl.task-1-e3`]);
      await staged.commit();
      await staged.commit();
      assert.equal(await out.readText(), '{"n":1}\n');
      assert.deepEqual(await keys(), ["events/2026-12-01.jsonl"]);
    });

    await t.step("stage, discard: nothing", async () => {
      const out = target("events/2026-12-02.jsonl");
      const staged = out.stage("task-2@e1");
      await staged.write("x");
      assert.equal(await staged.written(), true);
      await staged.discard();
      await staged.discard();
      assert.equal(await out.exists(), false);
      assert.equal(await staged.written(), false);
      assert.deepEqual(await keys(), ["events/2026-12-01.jsonl"]);
    });

    await t.step("a restarted worker commits a staged object from its description", async () => {
      const out = target("events/2026-12-03.jsonl");
      const staged = out.stage("task-3@e1");
      await staged.write("from the first process");
      const description = JSON.parse(JSON.stringify(staged.describe()));
      assert.equal(description.kind, S3_KIND);
      assert.equal(description.options.endpoint, s3.endpoint);
      assert.equal(JSON.stringify(description).includes("S3RVER"), false, "no secret in it");
      const again = restoreS3Staged(description);
      await again.commit();
      await again.commit();
      assert.equal(await out.readText(), "from the first process");
    });

    await t.step(
      "a stale attempt's staged object is discarded; the accepted one commits",
      async () => {
        const out = target("events/2026-12-04.jsonl");
        const stale = out.stage("task-4@e1");
        const current = out.stage("task-4@e2");
        await stale.write("zombie");
        await current.write("accepted");
        await current.commit();
        await restoreS3Staged(JSON.parse(JSON.stringify(stale.describe()))).discard();
        assert.equal(await out.readText(), "accepted");
        assert.equal((await keys()).filter((k) => k.startsWith(STAGING_PREFIX)).length, 0);
        // The stale attempt, had it tried to commit now, would find nothing staged.
        await assert.rejects(stale.commit(), /Nothing staged/);
      },
    );

    await t.step("an output over 8 MiB goes up in parts and commits whole", async () => {
      const out = target("big/blob.bin");
      const bytes = new Uint8Array(9 * 1024 * 1024 + 17).map((_, i) => i % 251);
      const staged = out.stage("task-5@e1");
      await staged.write(bytes);
      await staged.commit();
      const head = await out.client.send(
        new (await import("@aws-sdk/client-s3")).HeadObjectCommand({
          Bucket: "raw-data",
          Key: "big/blob.bin",
        }),
      );
      assert.equal(head.ContentLength, bytes.length);
    });

    await t.step(
      "a stream goes up part by part as it comes, and a short one in one PUT",
      async () => {
        const CHUNK = 64 * 1024;
        const chunks = 20 * 16 + 3; // 20 MiB and a bit: three parts
        let pulled = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (pulled === chunks) return controller.close();
            controller.enqueue(new Uint8Array(CHUNK).fill(pulled++ % 256));
          },
        });
        const out = target("big/stream.bin");
        const staged = out.stage("task-7@e1");
        await staged.write(stream);
        await staged.commit();
        const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
        const head = await out.client.send(
          new HeadObjectCommand({ Bucket: "raw-data", Key: "big/stream.bin" }),
        );
        assert.equal(head.ContentLength, chunks * CHUNK);
        const short = target("events/short.jsonl").stage("task-8@e1");
        await short.write(new Blob(['{"n":1}\n', '{"n":2}\n']).stream());
        await short.commit();
        assert.equal(await target("events/short.jsonl").readText(), '{"n":1}\n{"n":2}\n');
      },
    );

    await t.step("an object another writer put at the final key", async () => {
      const out = target("events/2026-12-05.jsonl");
      await out.client.send(
        new PutObjectCommand({ Bucket: "raw-data", Key: out.key, Body: "someone else's" }),
      );
      const staged = out.stage("task-6@e1");
      await staged.write("ours");
      // A store with conditional writes refuses the copy (412) and the commit fails,
      // naming the object. s3rver ignores If-None-Match: the copy goes through, and
      // the check after it (the final object carries this attempt's mark) passes.
      await staged.commit();
      assert.equal(await out.readText(), "ours");
    });

    await t.step("a bad URI is a clear error", () => {
      assert.throws(() => new S3Target("s3:/raw-data"), /Not an S3 URI \(s3:\/\/bucket\/key\)/);
      assert.throws(() => new S3Target(`s3://raw-data/${STAGING_PREFIX}x`), /cannot be under/);
    });
  } finally {
    await s3.close();
    await Deno.remove(dir, { recursive: true });
  }
});
