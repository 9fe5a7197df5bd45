/**
 * One line for a task error as the hub stores it (`{ name, message, retryable }`).
 *
 * @example
 * ```ts
 * import { describeError } from "./describe_error.ts";
 * console.assert(describeError({ name: "RangeError", message: "bad day" }) === "RangeError: bad day");
 * ```
 */
export function describeError(error: unknown): string {
  if (error === null || error === undefined) return "-";
  if (typeof error === "string") return error;
  if (typeof error === "object" && "message" in error && typeof error.message === "string") {
    const name = "name" in error && typeof error.name === "string" ? error.name : "";
    return name && name !== "Error" ? `${name}: ${error.message}` : error.message;
  }
  return JSON.stringify(error);
}
