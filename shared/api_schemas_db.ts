/**
 * Answers about the database itself: backups and retention
 * (`/api/db/...`), shared by the hub and the CLI.
 */
import { z } from "zod";

/** A backup of the hub's database (`POST /api/db/backup`). */
export const backupSchema = z.looseObject({
  /** The file written, on the hub's machine. */
  path: z.string(),
  bytes: z.int(),
  /** How long the copy took. */
  ms: z.number(),
});
/** A backup made. */
export type Backup = z.infer<typeof backupSchema>;

const pruneCounts = {
  runs: z.int(),
  backfills: z.int(),
  tasks: z.int(),
  attempts: z.int(),
  publications: z.int(),
  taskLogs: z.int(),
  audit: z.int(),
};
/** Rows retention deletes (or would), by kind. */
export type PruneCounts = { [K in keyof typeof pruneCounts]: number };

/** Retention's settings: how long each kind of row is kept, in ms (null: forever). */
export const retentionSettingsSchema = z.looseObject({
  eventRetentionMs: z.number(),
  taskLogRetentionMs: z.number(),
  runRetentionMs: z.number().nullable(),
  auditRetentionMs: z.number().nullable(),
});

/** What retention would delete now (`GET /api/db/prune`). */
export const prunePreviewSchema = z.looseObject({
  retention: retentionSettingsSchema,
  /** Rows older than these (ms since the epoch) go; null: kept forever. */
  cutoffs: z.looseObject({
    runsBefore: z.number().nullable(),
    auditBefore: z.number().nullable(),
    eventsBefore: z.number(),
    logsBefore: z.number(),
  }),
  wouldDelete: z.looseObject(pruneCounts),
});
/** What retention would delete. */
export type PrunePreviewAnswer = z.infer<typeof prunePreviewSchema>;

/** What a retention pass deleted (`POST /api/db/prune`). */
export const pruneReportSchema = z.looseObject({
  ...pruneCounts,
  events: z.int(),
  /** Writes it took, and the time they spent inside their transactions: p99 and longest. */
  batches: z.int(),
  p99BatchMs: z.number(),
  maxBatchMs: z.number(),
  /** False when its time budget ran out with more to delete (the timer goes on). */
  finished: z.boolean(),
});
/** What a retention pass deleted. */
export type PruneReportAnswer = z.infer<typeof pruneReportSchema>;
