/// <reference lib="dom" />
/**
 * Builds SVG elements with attributes only: geometry is attributes (which
 * the page's Content-Security-Policy allows, unlike `style=`), and text is
 * set with `textContent`, never parsed as markup.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/** Attribute values; undefined ones are left out. */
export type SvgAttributes = Record<string, string | number | undefined>;

/** A new `<tag>` with `attributes`, appended to `parent` when given. */
export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: SvgAttributes = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) el.setAttribute(name, String(value));
  }
  parent?.appendChild(el);
  return el;
}

/** A new `<tag>` holding `text` as text, appended to `parent`. */
export function svgText<K extends "text" | "title" | "tspan">(
  tag: K,
  text: string,
  attributes: SvgAttributes,
  parent: Element,
): SVGElementTagNameMap[K] {
  const el = svgElement(tag, attributes, parent);
  el.textContent = text;
  return el;
}
