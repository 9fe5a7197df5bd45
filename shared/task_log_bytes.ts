/**
 * What a task log line weighs against the per-attempt caps, counted the same
 * way by the worker (before it ships a line) and the hub (before it stores
 * one).
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Bytes of a line's message and of its fields' JSON, as UTF-8 (the time,
 * level and ids are not counted: they are the same size for every line).
 *
 * @example
 * ```ts
 * import { taskLogLineBytes } from "./task_log_bytes.ts";
 * console.assert(taskLogLineBytes("héllo", '{"n":1}') === 13);
 * ```
 */
export function taskLogLineBytes(msg: string, fieldsJson: string | null | undefined): number {
  return encoder.encode(msg).length + (fieldsJson ? encoder.encode(fieldsJson).length : 0);
}
