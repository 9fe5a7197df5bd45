/**
 * A bare page that mounts the run graph and timeline, for the browser test
 * and the UI benchmark while the run page is built elsewhere: the two views
 * bundled by `deno bundle`, served on a hub's origin through Playwright's
 * routing, under the UI's Content-Security-Policy.
 *
 * @module
 */
import type { Page } from "playwright-core";

const ROOT = new URL("../", import.meta.url);

/** The UI's Content-Security-Policy (ui_design.md). */
export const UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
  "frame-ancestors 'none'";

/**
 * Bundles `hub/ui/client/graph_view.ts` and `timeline_view.ts` with a boot
 * module that mounts them on `#graph` and `#timeline`; returns the script.
 */
export async function bundleGraphPage(dir: string): Promise<string> {
  const entry = `${dir}/graph_page_entry.ts`;
  const client = new URL("hub/ui/client/", ROOT).href;
  await Deno.writeTextFile(
    entry,
    `import { mountGraph } from "${client}graph_view.ts";
import { mountTimeline } from "${client}timeline_view.ts";
mountGraph(document.getElementById("graph")!);
mountTimeline(document.getElementById("timeline")!);
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--config",
      new URL("deno.json", ROOT).pathname,
      "-o",
      `${dir}/graph_page.js`,
      entry,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno bundle failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return await Deno.readTextFile(`${dir}/graph_page.js`);
}

/**
 * Serves the page of run `runId` (its script, `hub/ui/assets/graph.css`)
 * at `<hubUrl>/__graph_page/…` and opens it in `page`.
 */
export async function openGraphPage(
  page: Page,
  hubUrl: string,
  runId: string,
  script: string,
): Promise<void> {
  const css = await Deno.readTextFile(new URL("hub/ui/assets/graph.css", ROOT));
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>graph</title>
<link rel="stylesheet" href="/__graph_page/graph.css">
<script type="module" src="/__graph_page/app.js"></script></head>
<body><div id="graph" data-run-id="${attr(runId)}"></div>
<div id="timeline" data-run-id="${attr(runId)}"></div></body></html>`;
  const headers = { "content-security-policy": UI_CSP, "x-content-type-options": "nosniff" };
  await page.route(`${hubUrl}/__graph_page/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const [body, contentType] = path.endsWith(".js")
      ? [script, "text/javascript"]
      : path.endsWith(".css")
      ? [css, "text/css"]
      : [html, "text/html; charset=utf-8"];
    return route.fulfill({
      status: 200,
      headers: { ...headers, "content-type": contentType },
      body,
    });
  });
  await page.goto(`${hubUrl}/__graph_page/run`);
}

/** `text` safe inside a double-quoted HTML attribute. */
function attr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
