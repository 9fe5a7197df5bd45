import assert from "node:assert/strict";
import { DOCS_PAGE, markdownSpans, paragraphs } from "./docs_page.ts";

const text = (t: string) => ({ code: false, text: t });
const code = (t: string) => ({ code: true, text: t });

Deno.test("markdownSpans() finds the inline code of a description", () => {
  assert.deepEqual(
    markdownSpans("Authenticate with `Authorization: Bearer drv_…`; see `code`."),
    [
      text("Authenticate with "),
      code("Authorization: Bearer drv_…"),
      text("; see "),
      code("code"),
      text("."),
    ],
  );
  assert.deepEqual(markdownSpans("`urn:drover:problem:<code>`"), [
    code("urn:drover:problem:<code>"),
  ]);
  assert.deepEqual(markdownSpans("no code here"), [text("no code here")]);
  assert.deepEqual(markdownSpans(""), []);
});

Deno.test("markdownSpans() closes a code span only with a backtick run as long as its opener", () => {
  assert.deepEqual(markdownSpans("a `` x`y `` b"), [text("a "), code("x`y"), text(" b")]);
  assert.deepEqual(markdownSpans("`` ` ``"), [code("`")]);
  assert.deepEqual(markdownSpans("a ``b` c"), [text("a ``b` c")], "unmatched runs are text");
  assert.deepEqual(markdownSpans("`a\nb`"), [code("a b")], "a line break in code is a space");
});

Deno.test("markdownSpans() leaves markup as text: the page never parses a description as HTML", () => {
  assert.deepEqual(markdownSpans("<script>alert(1)</script> `<b>`"), [
    text("<script>alert(1)</script> "),
    code("<b>"),
  ]);
});

Deno.test("paragraphs() splits a description at its blank lines", () => {
  assert.deepEqual(paragraphs("Newest first.\n\nRoles: admin."), [
    "Newest first.",
    "Roles: admin.",
  ]);
  assert.deepEqual(paragraphs("one\nline\n \n\ntwo\n"), ["one\nline", "two"]);
  assert.deepEqual(paragraphs(""), []);
});

Deno.test("the docs page embeds markdownSpans() and paragraphs() and renders text, never HTML", () => {
  assert.ok(DOCS_PAGE.includes(`const markdownSpans = ${markdownSpans};`));
  assert.ok(DOCS_PAGE.includes(`const paragraphs = ${paragraphs};`));
  assert.doesNotMatch(DOCS_PAGE, /innerHTML|insertAdjacentHTML|outerHTML|document\.write/);
});
