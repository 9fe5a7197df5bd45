/**
 * The stores of a chaos run with `--targets`: an S3-protocol server (s3rver,
 * in this process) with the bucket `chaos`, and a warehouse database (a
 * libSQL file, or a database of the run's PostgreSQL server) with the table
 * `chaos_rows`. At the end, every node's object and rows must be there once,
 * with the published attempt's content, and nothing staged may be left.
 */
import { GetObjectCommand, ListObjectsCommand, S3Client } from "@aws-sdk/client-s3";
import postgres from "postgres";
import { MARKERS } from "../../targets/sql_table_target.ts";
import { type Query, readDatabase } from "../../testing/read_database.ts";
import { type S3Server, startS3 } from "../../testing/s3.ts";
import { CHAOS_BUCKET, type ChaosTarget, ROWS_PER_NODE } from "./chaos_tasks.ts";

/** What the end checks found in the stores. */
export interface TargetFindings {
  s3?: { objects: number; wrong: number; leftovers: number };
  sql?: { rows: number; markers: number; wrong: number; leftovers: number };
}

/** The stores a run writes to, and how its workers reach them. */
export interface ChaosStores {
  /** What each worker's environment adds. */
  env: Record<string, string>;
  /** Checks every node's object and rows against the published attempts. */
  verify(input: StoreCheck): Promise<TargetFindings>;
  close(): Promise<void>;
}

/** What the checks compare against. */
export interface StoreCheck {
  /** The published attempt of each node (by its id), and its object's key. */
  published: Map<number, { attempt: number; key: string }>;
  tasks: number;
  dataDir: string;
  failures: string[];
}

/** Starts the stores `targets` name in `dir` (the warehouse on `pgUrl`'s server when given). */
export async function startChaosStores(
  targets: readonly ChaosTarget[],
  dir: string,
  pgUrl?: string,
): Promise<ChaosStores> {
  let s3: S3Server | null = null;
  const env: Record<string, string> = { CHAOS_TARGETS: targets.join(",") };
  if (targets.includes("s3")) {
    s3 = await startS3({ dir: `${dir}/s3`, buckets: [CHAOS_BUCKET] });
    Object.assign(env, s3.env);
  }
  let warehouse: string | null = null;
  if (targets.includes("sql")) {
    warehouse = pgUrl ? await postgresWarehouse(pgUrl) : `file:${dir}/warehouse.db`;
    await readDatabase(
      warehouse,
      (query) =>
        query("CREATE TABLE chaos_rows (node integer, k integer, attempt integer, pid integer)"),
    );
    env.CHAOS_WAREHOUSE_URL = warehouse;
  }
  return {
    env,
    async verify(check) {
      const found: TargetFindings = {};
      const failed = (store: string) => (error: unknown) => {
        check.failures.push(`checking the ${store} store failed: ${(error as Error).message}`);
        return undefined;
      };
      if (s3) found.s3 = await checkObjects(s3, check).catch(failed("s3"));
      if (warehouse) {
        found.sql = await readDatabase(warehouse, (query) => checkRows(query, check))
          .catch(failed("sql"));
      }
      return found;
    },
    close: async () => await s3?.close(),
  };
}

/** A database `warehouse` beside the hubs' on their PostgreSQL server; its URL. */
async function postgresWarehouse(pgUrl: string): Promise<string> {
  const sql = postgres(pgUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`CREATE DATABASE warehouse`;
  } finally {
    await sql.end();
  }
  const url = new URL(pgUrl);
  url.pathname = "/warehouse";
  return url.href;
}

async function checkObjects(s3: S3Server, check: StoreCheck) {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: s3.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s3.env.AWS_SECRET_ACCESS_KEY!,
    },
  });
  try {
    // Listed with v1 and markers: s3rver's ListObjectsV2 fails past 1,000 keys.
    const keys: string[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsCommand({ Bucket: CHAOS_BUCKET, Marker: marker }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      marker = page.IsTruncated ? keys.at(-1) : undefined;
    } while (marker);
    const finals = keys.filter((k) => k.startsWith("nodes/"));
    const leftovers = keys.length - finals.length;
    // Each node's object, read by its key, holds the attempt that wrote it: the published one.
    const bad: string[] = [];
    let wrong = check.tasks - check.published.size;
    const nodes = [...check.published.entries()];
    for (let i = 0; i < nodes.length; i += 16) {
      await Promise.all(
        nodes.slice(i, i + 16).map(async ([id, { attempt, key }]) => {
          try {
            const out = await client.send(new GetObjectCommand({ Bucket: CHAOS_BUCKET, Key: key }));
            const found = JSON.parse(await out.Body!.transformToString());
            if (found.id === id && found.attempt === attempt) return;
            bad.push(`${key}: attempt ${found.attempt}, published ${attempt}`);
          } catch (error) {
            bad.push(`${key}: ${(error as Error).name}`);
          }
          wrong++;
        }),
      );
    }
    if (wrong > 0) {
      check.failures.push(
        `${wrong} node objects are missing or not the published attempt's ` +
          `(${bad.slice(0, 3).join("; ")})`,
      );
    }
    if (leftovers > 0) check.failures.push(`${leftovers} staging objects were left in the bucket`);
    return { objects: finals.length, wrong, leftovers };
  } finally {
    client.destroy();
  }
}

async function checkRows(query: Query, check: StoreCheck) {
  const perNode = await query<{ node: number; n: number; lo: number; hi: number }>(
    "SELECT node, count(*) AS n, min(attempt) AS lo, max(attempt) AS hi FROM chaos_rows GROUP BY node",
  );
  let wrong = check.tasks - perNode.length;
  let rows = 0;
  for (const r of perNode) {
    rows += Number(r.n);
    const published = check.published.get(Number(r.node))?.attempt;
    if (Number(r.n) !== ROWS_PER_NODE || Number(r.lo) !== published || Number(r.hi) !== published) {
      wrong++;
    }
  }
  const markers = Number(
    (await query<{ n: number }>(`SELECT count(*) AS n FROM ${MARKERS}`))[0]?.n ?? 0,
  );
  let leftovers = 0;
  try {
    for await (const _ of Deno.readDir(`${check.dataDir}/.drover-staging/sql`)) leftovers++;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (wrong > 0) {
    check.failures.push(
      `${wrong} nodes do not have exactly ${ROWS_PER_NODE} rows of the published attempt`,
    );
  }
  if (markers !== check.tasks) {
    check.failures.push(`${markers} load markers for ${check.tasks} nodes`);
  }
  if (leftovers > 0) check.failures.push(`${leftovers} staged row files were left on workers`);
  return { rows, markers, wrong, leftovers };
}
