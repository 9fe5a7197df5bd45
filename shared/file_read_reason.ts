/**
 * Why a file could not be read, in a few words for a one-line error that
 * names the setting and the file.
 *
 * @example
 * ```ts
 * import { fileReadReason } from "./file_read_reason.ts";
 * console.assert(fileReadReason(new Deno.errors.NotFound("x")) === "no such file");
 * ```
 */
export function fileReadReason(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return (error as Error).message;
}
