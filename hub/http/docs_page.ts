/**
 * `/api/docs`: a self-contained page that renders `/api/openapi.json` (no
 * CDN, so it works on an air-gapped hub): operations by tag, with their
 * roles, parameters, request and response schemas, and a form to try each
 * one with a token kept in the page's session storage.
 */

/** A piece of a description: plain text, or inline code. */
export interface Span {
  code: boolean;
  text: string;
}

/**
 * The light Markdown the API's descriptions use within a paragraph, as
 * spans: inline code, where a run of n backticks closes at the next run of
 * exactly n (CommonMark's rule, so a code span can hold a backtick); any
 * other character, an unmatched backtick included, is text. The page embeds
 * this function's source and appends each span as a text node or a `<code>`
 * element's text, so nothing in a description is ever parsed as HTML.
 */
export function markdownSpans(text: string): Span[] {
  const spans: Span[] = [];
  let plain = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "`") {
      plain += text[i];
      i++;
      continue;
    }
    let n = 0;
    while (text[i + n] === "`") n++;
    let close = -1;
    for (let j = text.indexOf("`", i + n); j !== -1; j = text.indexOf("`", j)) {
      let m = 0;
      while (text[j + m] === "`") m++;
      if (m === n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close === -1) {
      plain += text.slice(i, i + n);
      i += n;
      continue;
    }
    if (plain !== "") spans.push({ code: false, text: plain });
    plain = "";
    let code = text.slice(i + n, close).replaceAll("\n", " ");
    if (/^ .*[^ ].* $/s.test(code)) code = code.slice(1, -1);
    spans.push({ code: true, text: code });
    i = close + n;
  }
  if (plain !== "") spans.push({ code: false, text: plain });
  return spans;
}

/** The paragraphs of a description: its blank-line-separated blocks. */
export function paragraphs(text: string): string[] {
  return text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== "");
}

/** The page's HTML, its script included. */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drover hub API</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d232b; background: #f6f7f9; }
  header { background: #1d232b; color: #fff; padding: 12px 24px; display: flex; gap: 16px;
    align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; flex: 1; }
  header input { width: 420px; max-width: 100%; font: inherit; padding: 4px 8px; }
  main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 64px; }
  h2 { margin: 28px 0 8px; text-transform: capitalize; }
  details.op { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; margin: 6px 0; }
  details.op > summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 12px;
    align-items: baseline; }
  .method { font: bold 12px monospace; text-transform: uppercase; width: 56px; }
  .get { color: #0b6bcb; } .post { color: #1a7f37; } .put { color: #9a6700; }
  .delete { color: #cf222e; }
  .path { font-family: monospace; }
  .roles { margin-left: auto; font-size: 12px; color: #57606a; }
  .body { padding: 4px 16px 16px; border-top: 1px solid #eef0f2; }
  pre { background: #f6f8fa; padding: 8px; overflow: auto; max-height: 320px; font-size: 12px; }
  table { border-collapse: collapse; } td, th { text-align: left; padding: 2px 10px 2px 0; }
  textarea { width: 100%; min-height: 80px; font: 12px monospace; }
  .error { color: #cf222e; }
  code { font: 12px monospace; background: #eef1f4; padding: 1px 4px; border-radius: 3px; }
</style>
</head>
<body>
<header>
  <h1 id="title">Drover hub API</h1>
  <label>Token <input id="token" type="password" placeholder="drv_tok_… (kept in this tab only)"
    autocomplete="off"></label>
</header>
<main id="main"><p>Loading <a href="/api/openapi.json">/api/openapi.json</a>…</p></main>
<script type="module">
const main = document.getElementById("main");
const tokenInput = document.getElementById("token");
tokenInput.value = sessionStorage.getItem("droverToken") ?? "";
tokenInput.addEventListener("input", () => sessionStorage.setItem("droverToken", tokenInput.value));
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
};
const pretty = (value) => el("pre", {}, JSON.stringify(value, null, 2));
// markdownSpans() and paragraphs() from docs_page.ts, as Deno compiled them.
const markdownSpans = ${markdownSpans};
const paragraphs = ${paragraphs};
/** An element of \`tag\` holding \`text\` with its inline code as <code> elements. */
const rich = (tag, attrs, text) => el(tag, attrs,
  ...markdownSpans(text ?? "").map((s) => s.code ? el("code", {}, s.text) : s.text));
try {
  const doc = await (await fetch("/api/openapi.json")).json();
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  main.replaceChildren(...paragraphs(doc.info.description ?? "")
    .map((para) => rich("p", { class: "intro" }, para)));
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] ?? "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  for (const [tag, ops] of byTag) {
    main.append(el("h2", {}, tag));
    for (const { path, method, op } of ops) main.append(operation(path, method, op));
  }
} catch (error) {
  main.replaceChildren(el("p", { class: "error" }, "Could not load the API description: " + error));
}

function operation(path, method, op) {
  const roles = op["x-drover-roles"] ?? [];
  const details = el("details", { class: "op", "data-op": method.toUpperCase() + " " + path });
  details.append(el("summary", {},
    el("span", { class: "method " + method }, method),
    el("span", { class: "path" }, path),
    rich("span", {}, op.summary),
    el("span", { class: "roles" }, roles.length ? roles.join(", ") : "public")));
  const body = el("div", { class: "body" });
  for (const para of paragraphs(op.description ?? "")) body.append(rich("p", {}, para));
  const params = op.parameters ?? [];
  if (params.length) {
    const table = el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"),
      el("th", {}, "type"), el("th", {}, "")));
    for (const p of params) {
      table.append(el("tr", {}, el("td", {}, p.name + (p.required ? " *" : "")), el("td", {}, p.in),
        el("td", {}, p.schema?.type ?? ""), rich("td", {}, p.schema?.description ?? p.description)));
    }
    body.append(table);
  }
  const requestSchema = op.requestBody?.content?.["application/json"]?.schema;
  if (requestSchema) body.append(el("h4", {}, "Request body"), pretty(requestSchema));
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const schema = Object.values(response.content ?? {})[0]?.schema;
    body.append(rich("h4", {}, status + " " + (response.description ?? "")));
    if (schema && status.startsWith("2")) body.append(pretty(schema));
  }
  body.append(tryIt(path, method, params, Boolean(requestSchema)));
  details.append(body);
  return details;
}

function tryIt(path, method, params, hasBody) {
  const form = el("form", {});
  const inputs = new Map();
  for (const p of params) {
    const input = el("input", { name: p.name, placeholder: p.name });
    inputs.set(p, input);
    form.append(input, " ");
  }
  const bodyInput = hasBody ? el("textarea", { placeholder: "JSON body" }) : null;
  if (bodyInput) form.append(bodyInput);
  const output = el("pre", { class: "result" });
  form.append(el("button", { type: "submit" }, "Send"), output);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const [p, input] of inputs) {
      if (!input.value) continue;
      if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(input.value));
      else query.set(p.name, input.value);
    }
    const headers = {};
    if (tokenInput.value) headers.authorization = "Bearer " + tokenInput.value;
    if (bodyInput?.value) headers["content-type"] = "application/json";
    const response = await fetch(url + (query.size ? "?" + query : ""), {
      method: method.toUpperCase(), headers, body: bodyInput?.value || undefined,
    });
    const text = await response.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
    output.textContent = response.status + "\\n" + shown;
  });
  return form;
}
</script>
</body>
</html>
`;
