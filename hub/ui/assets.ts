/**
 * The UI's static files (`hub/ui/assets/app.js`, built by `deno task
 * ui:build`, and `app.css`), served at `/ui/assets/<name>?v=<hash>`. Pages
 * link them with the hash of their content, so browsers may keep them for
 * a year: a new build is a new URL. Read once, on first use.
 */
import type { UiApp } from "./ui_deps.ts";

/** One asset: its bytes, type and content hash. */
export interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  hash: string;
}

/** The UI's assets by file name. */
export type Assets = ReadonlyMap<string, Asset>;

const FILES: Record<string, string> = {
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
  "graph.css": "text/css; charset=utf-8",
  "run_pages.css": "text/css; charset=utf-8",
  "state_counts.css": "text/css; charset=utf-8",
  "run_form.css": "text/css; charset=utf-8",
  "task_log.css": "text/css; charset=utf-8",
};

/** Loads every asset once and caches the promise. */
export function assetLoader(
  dir: URL = new URL("./assets/", import.meta.url),
): () => Promise<Assets> {
  let loaded: Promise<Assets> | undefined;
  return () => {
    loaded ??= (async () => {
      const map = new Map<string, Asset>();
      for (const [name, type] of Object.entries(FILES)) {
        const body = await Deno.readFile(new URL(name, dir));
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
        const hash = [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
        map.set(name, { body, type, hash });
      }
      return map;
    })();
    return loaded;
  };
}

/** The URL of asset `name`, with its hash. */
export function assetUrl(assets: Assets, name: string): string {
  return `/ui/assets/${name}?v=${assets.get(name)?.hash ?? "0"}`;
}

/** Serves `/ui/assets/:name`: immutable for a year when the hash in the URL is current. */
export function assetRoutes(app: UiApp, load: () => Promise<Assets>): void {
  app.get("/ui/assets/:name", async (c) => {
    const asset = (await load()).get(c.req.param("name"));
    if (!asset) return c.text("No such asset", 404);
    const current = c.req.query("v") === asset.hash;
    return c.body(asset.body, 200, {
      "content-type": asset.type,
      "cache-control": current ? "public, max-age=31536000, immutable" : "no-cache",
    });
  });
}
