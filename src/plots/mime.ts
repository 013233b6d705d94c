/**
 * MIME bundles for the Deno Jupyter kernel: the `Symbol.for("Jupyter.display")` protocol, shared
 * by the rich tables of `src/display.ts` and the charts of `src/plots/`. Nothing here touches
 * `Deno.jupyter` (which exists only inside the kernel), so it runs and tests anywhere.
 *
 * @example
 * ```ts
 * import { displayable, svgDisplayable } from "./mime.ts";
 * displayable({ "text/html": "<b>hello</b>", "text/plain": "hello" });
 * svgDisplayable('<svg xmlns="http://www.w3.org/2000/svg"></svg>', "an empty chart");
 * ```
 *
 * @module
 */

/** The symbol the Deno Jupyter kernel looks for on a cell's value. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** A MIME bundle: MIME type to content (`text/html`, `text/plain`, `image/svg+xml`, ...). */
export type MimeBundle = Record<string, string>;

/** A value the Deno kernel renders richly. */
export interface Displayable {
  /** The MIME bundle (called by the kernel). */
  [JUPYTER_DISPLAY](): MimeBundle;
  /** The same MIME bundle, for code outside the kernel (tests, files). */
  bundle(): MimeBundle;
}

/**
 * Wraps a MIME bundle as a {@link Displayable}.
 *
 * @example
 * ```ts
 * import { displayable } from "./mime.ts";
 * const d = displayable({ "text/plain": "hi" });
 * console.assert(d.bundle()["text/plain"] === "hi");
 * ```
 */
export function displayable(bundle: MimeBundle): Displayable {
  return { [JUPYTER_DISPLAY]: () => bundle, bundle: () => bundle };
}

/**
 * An SVG document as a {@link Displayable} (`image/svg+xml`, which code hosts render as an image
 * in committed notebooks, with a `text/plain` description).
 *
 * @example
 * ```ts
 * import { svgDisplayable } from "./mime.ts";
 * svgDisplayable('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>', "dot");
 * ```
 */
export function svgDisplayable(svg: string, description = "chart"): Displayable {
  return displayable({ "image/svg+xml": svg, "text/plain": `[${description}]` });
}

/**
 * Escapes text for HTML and XML.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./mime.ts";
 * console.assert(escapeHtml("<a & b>") === "&lt;a &amp; b&gt;");
 * ```
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
