/**
 * Worker configuration from the environment, validated with every problem
 * reported at once.
 */
import { z } from "zod";
import { type Labels, labelsSchema } from "../shared/selector.ts";
import { TOKEN_PATTERN } from "../shared/token_format.ts";

/**
 * Parses `region=eu-west,zone=b` into labels; a `TypeError` names a bad one.
 *
 * @example
 * ```ts
 * import { parseLabels } from "./mod.ts";
 * console.assert(parseLabels("region=eu-west, zone=b").zone === "b");
 * ```
 */
export function parseLabels(text: string): Labels {
  const labels: Record<string, string> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new TypeError(`Invalid label "${part}": expected name=value`);
    labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const parsed = labelsSchema.safeParse(labels);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // zod reports a bad record key as "Invalid key in record" with the real reason inside.
    const inner = issue.code === "invalid_key" ? issue.issues[0]?.message : undefined;
    const name = issue.path.length ? `"${String(issue.path[issue.path.length - 1])}"` : "";
    throw new TypeError(
      `Invalid labels "${text}": ${name ? `${name}: ` : ""}${inner ?? issue.message}`,
    );
  }
  return parsed.data;
}

const workerConfigSchema = z.object({
  DROVER_HUB_URL: z.string().default("http://127.0.0.1:8080").superRefine((text, ctx) => {
    const urls = text.split(",").map((u) => u.trim()).filter(Boolean);
    if (urls.length === 0) {
      ctx.addIssue({ code: "custom", message: "expected at least one hub URL" });
    }
    for (const url of urls) {
      if (!z.url({ protocol: /^(https?|wss?)$/ }).safeParse(url).success) {
        ctx.addIssue({ code: "custom", message: `"${url}" is not an http(s) or ws(s) URL` });
      }
    }
  }),
  DROVER_HUB_CA_FILE: z.string().min(1).optional(),
  DROVER_WORKER_NAME: z.string().min(1).max(200).optional(),
  DROVER_WORKER_LABELS: z.string().default("").transform((text, ctx) => {
    try {
      return parseLabels(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  }),
  DROVER_WORKER_SLOTS: z.coerce.number().int().min(1).max(10_000).default(4),
  DROVER_WORKER_PREFETCH: z.coerce.number().int().min(0).max(10_000).default(0),
  DROVER_WORKER_COALESCE_MS: z.coerce.number().min(0).max(1_000).default(0),
  DROVER_WORKER_TOKEN: z.string().regex(TOKEN_PATTERN, {
    message: 'expected a worker token from "drover token create --role worker" (drv_tok_…)',
  }).optional(),
  DROVER_WORKER_STATE_DIR: z.string().min(1).optional(),
  DROVER_WORKER_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  DROVER_DATA_DIR: z.string().min(1).default(".drover/data"),
  DROVER_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  DROVER_CAPTURE_CONSOLE: z.enum(["0", "1", "false", "true"]).default("0"),
});

/**
 * The worker process's configuration.
 *
 * @example
 * ```ts
 * import type { WorkerConfig } from "./mod.ts";
 * const where = (c: WorkerConfig) => `${c.name} → ${c.hubUrl} (${c.slots} slots)`;
 * ```
 */
export interface WorkerConfig {
  hubUrl: string;
  /** A PEM file of CAs trusted for `https://` hubs besides the default roots (`DROVER_HUB_CA_FILE`). */
  hubCaFile?: string;
  name: string;
  labels: Labels;
  slots: number;
  /** Grants held beyond the free slots (`DROVER_WORKER_PREFETCH`, default 0: off). */
  prefetch: number;
  /** How long a frame waits for others to go out with it, ms (`DROVER_WORKER_COALESCE_MS`). */
  coalesceMs: number;
  /** The worker token sent to the hub (`DROVER_WORKER_TOKEN`). */
  token?: string;
  stateDir: string;
  graceMs: number;
  dataDir: string;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Ship task code's `console.*` output as task log lines (`DROVER_CAPTURE_CONSOLE=1`). */
  captureConsole: boolean;
}

/**
 * Parses the worker's configuration; throws `TypeError` listing every bad variable.
 *
 * @example
 * ```ts
 * import { loadWorkerConfig } from "./mod.ts";
 * const config = loadWorkerConfig({ DROVER_WORKER_SLOTS: "8" }, "edge-1");
 * console.assert(config.slots === 8 && config.name === "edge-1");
 * ```
 */
export function loadWorkerConfig(
  env: Record<string, string | undefined>,
  hostname = "worker",
): WorkerConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith("DROVER_") && v !== ""),
  );
  const result = workerConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new TypeError(`Invalid worker configuration:\n${lines.join("\n")}`);
  }
  const c = result.data;
  const name = c.DROVER_WORKER_NAME ?? hostname;
  return {
    hubUrl: c.DROVER_HUB_URL,
    ...(c.DROVER_HUB_CA_FILE ? { hubCaFile: c.DROVER_HUB_CA_FILE } : {}),
    name,
    labels: c.DROVER_WORKER_LABELS,
    slots: c.DROVER_WORKER_SLOTS,
    prefetch: c.DROVER_WORKER_PREFETCH,
    coalesceMs: c.DROVER_WORKER_COALESCE_MS,
    token: c.DROVER_WORKER_TOKEN,
    stateDir: c.DROVER_WORKER_STATE_DIR ??
      `.drover/worker-${name.replace(/[^A-Za-z0-9._-]+/g, "-")}`,
    graceMs: c.DROVER_WORKER_GRACE_MS,
    dataDir: c.DROVER_DATA_DIR,
    logLevel: c.DROVER_LOG_LEVEL,
    captureConsole: c.DROVER_CAPTURE_CONSOLE === "1" || c.DROVER_CAPTURE_CONSOLE === "true",
  };
}
