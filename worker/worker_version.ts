/** The version of the worker runtime. */
import { VERSION } from "../shared/version.ts";

/**
 * The version of the worker runtime, reported in every hello (the `version`
 * column of `drover workers`).
 *
 * @example
 * ```ts
 * import { WORKER_VERSION } from "./mod.ts";
 * console.assert(/^\d+\.\d+\.\d+/.test(WORKER_VERSION));
 * ```
 */
export const WORKER_VERSION: string = VERSION;
