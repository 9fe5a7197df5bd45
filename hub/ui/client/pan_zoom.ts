/// <reference lib="dom" />
/**
 * Pan (drag) and zoom (wheel, around the pointer) of an SVG's content
 * group, through its `transform` attribute; `fit()` shows the whole graph.
 * A drag does not also click: `moved()` tells a click handler that the
 * pointer travelled.
 */

/** The view's transform: screen = graph × k + (x, y). */
interface View {
  x: number;
  y: number;
  k: number;
}

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 3;
/** Pixels a pointer may travel and still click. */
const CLICK_SLOP = 4;

/** Pan and zoom of `content` inside `svg`. */
export class PanZoom {
  #view: View = { x: 0, y: 0, k: 1 };
  #drag: { id: number; x: number; y: number; from: View } | null = null;
  #travelled = 0;

  constructor(readonly svg: SVGSVGElement, readonly content: SVGGElement) {
    svg.addEventListener("wheel", (e) => this.#wheel(e), { passive: false });
    svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      this.#drag = { id: e.pointerId, x: e.clientX, y: e.clientY, from: { ...this.#view } };
      this.#travelled = 0;
    });
    svg.addEventListener("pointermove", (e) => {
      const d = this.#drag;
      if (!d || d.id !== e.pointerId) return;
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      this.#travelled = Math.max(this.#travelled, Math.hypot(dx, dy));
      if (this.#travelled <= CLICK_SLOP) return;
      if (!svg.hasPointerCapture(e.pointerId)) svg.setPointerCapture(e.pointerId);
      svg.classList.add("panning");
      this.#set({ ...d.from, x: d.from.x + dx, y: d.from.y + dy });
    });
    const end = (e: PointerEvent) => {
      if (this.#drag?.id !== e.pointerId) return;
      this.#drag = null;
      svg.classList.remove("panning");
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
  }

  /** Whether the last press travelled too far to be a click. */
  moved(): boolean {
    return this.#travelled > CLICK_SLOP;
  }

  /** Shows a `width` × `height` graph whole, centred, at most at zoom 1. */
  fit(width: number, height: number): void {
    const box = this.svg.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || width === 0 || height === 0) return;
    const k = clamp(Math.min(box.width / width, box.height / height, 1));
    this.#set({ k, x: (box.width - width * k) / 2, y: (box.height - height * k) / 2 });
  }

  #wheel(e: WheelEvent): void {
    e.preventDefault();
    const box = this.svg.getBoundingClientRect();
    const px = e.clientX - box.left;
    const py = e.clientY - box.top;
    const { x, y, k } = this.#view;
    const next = clamp(k * Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)));
    // Keep the graph point under the pointer where it is.
    this.#set({ k: next, x: px - ((px - x) / k) * next, y: py - ((py - y) / k) * next });
  }

  #set(view: View): void {
    this.#view = view;
    this.content.setAttribute(
      "transform",
      `translate(${view.x.toFixed(1)},${view.y.toFixed(1)}) scale(${view.k.toFixed(4)})`,
    );
  }
}

function clamp(k: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
}
