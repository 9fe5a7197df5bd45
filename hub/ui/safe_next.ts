/** Where to go after signing in: only a path on this hub, never another site. */

/** The default page. */
export const HOME = "/ui/runs";

/**
 * `next` when it is a same-site relative path (`/ui/workers?region=eu`),
 * else the home page: `//evil.example`, `/\evil.example`, `https://…` and
 * `javascript:` all lead home (no open redirect).
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return HOME;
  }
  if ([...next].some((ch) => ch < " " || ch === "\\")) return HOME;
  const base = "http://hub.invalid";
  if (!URL.canParse(next, base)) return HOME;
  const url = new URL(next, base);
  if (url.origin !== base) return HOME;
  return url.pathname + url.search + url.hash;
}
