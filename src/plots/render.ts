/**
 * Observable Plot charts rendered to standalone SVG strings without a browser: Plot draws into a
 * linkedom document, and the chart is wrapped in an outer `<svg>` with a white background, an
 * optional title and subtitle, and an optional categorical legend drawn as SVG (Plot's own
 * legends are HTML, and its continuous colour legends need a canvas, which linkedom lacks: a
 * legend is only drawn for an ordinal/categorical colour scale, and asking for one on a
 * continuous scale throws {@link LegendError}). The result is a file (`docs/*.svg`) or, through
 * {@link plotDisplay}, a chart in a Jupyter notebook.
 *
 * @example
 * ```ts
 * import { Plot, renderPlot } from "./render.ts";
 * const data = [{ agent: "random", score: 0.3 }, { agent: "rules", score: 0.7 }];
 * const svg = renderPlot(
 *   { marks: [Plot.barY(data, { x: "agent", y: "score", fill: "agent" })] },
 *   { title: "Mean score", legend: true },
 * );
 * console.assert(svg.startsWith("<svg"));
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { type Displayable, escapeHtml, svgDisplayable } from "./mime.ts";

export { Plot };

/** Options of {@link renderPlot} beyond Plot's own. */
export interface RenderOptions {
  /** Title drawn above the chart. */
  title?: string;
  /** Smaller text under the title. */
  subtitle?: string;
  /** Draw a categorical legend of the colour scale above the chart. */
  legend?: boolean;
  /** Background colour (default white, so the file reads on dark pages too). */
  background?: string;
}

/** Thrown when a legend is asked for a colour scale that is not categorical. */
export class LegendError extends AlertTriageError {
  /** Creates the error naming the scale type. */
  constructor(type: string) {
    super(
      `Only categorical colour legends can be drawn without a canvas (the colour scale is ` +
        `${type}); use an ordinal scale or leave the legend out`,
      "LEGEND_UNSUPPORTED",
      "invalid_input",
    );
    this.name = "LegendError";
  }
}

/** One legend entry. */
export interface LegendEntry {
  /** Label. */
  label: string;
  /** Swatch colour. */
  colour: string;
}

const CATEGORICAL = new Set(["ordinal", "categorical", "identity"]);
const SVG_NS = "http://www.w3.org/2000/svg";

/** A fresh linkedom document for Plot to draw into. */
export function createDocument(): NonNullable<Plot.PlotOptions["document"]> {
  const window = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
  return (window as unknown as { document: NonNullable<Plot.PlotOptions["document"]> }).document;
}

type ScaleLike = {
  type?: string;
  domain?: unknown[];
  range?: unknown[];
  apply?: (x: unknown) => unknown;
};

/** The entries of a categorical colour scale, as read from a rendered chart. */
export function legendEntries(scale: ScaleLike | undefined): LegendEntry[] {
  if (!scale) throw new LegendError("absent");
  if (!CATEGORICAL.has(scale.type ?? "")) throw new LegendError(scale.type ?? "unknown");
  const range = scale.range ?? [];
  return (scale.domain ?? []).map((d, i) => ({
    label: String(d),
    colour: String(scale.apply ? scale.apply(d) : range[i % range.length]),
  }));
}

/**
 * A categorical legend as an SVG group laid out in rows within `width`; returns the markup and
 * its height.
 *
 * @example
 * ```ts
 * import { legendSvg } from "./render.ts";
 * const { svg, height } = legendSvg([{ label: "rules", colour: "#4269d0" }], 300);
 * console.assert(svg.includes("plot-legend") && height > 0);
 * ```
 */
export function legendSvg(entries: readonly LegendEntry[], width: number): {
  svg: string;
  height: number;
} {
  const rowHeight = 18;
  let x = 0, y = 0;
  const items: string[] = [];
  for (const e of entries) {
    const w = 22 + e.label.length * 6.2 + 14;
    if (x > 0 && x + w > width) {
      x = 0;
      y += rowHeight;
    }
    items.push(
      `<g class="plot-legend-item" transform="translate(${x},${y})"><rect width="12" ` +
        `height="12" fill="${escapeHtml(e.colour)}"/><text x="17" y="10" font-size="11">` +
        `${escapeHtml(e.label)}</text></g>`,
    );
    x += w;
  }
  const height = entries.length ? y + rowHeight : 0;
  return {
    svg: `<g class="plot-legend" aria-label="legend">${items.join("")}</g>`,
    height,
  };
}

/**
 * Splits text into lines of at most `maxChars` characters at spaces (a longer word gets a line
 * of its own).
 *
 * @example
 * ```ts
 * import { wrapText } from "./render.ts";
 * console.assert(wrapText("a bb ccc", 4).join("|") === "a bb|ccc");
 * ```
 */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Renders a Plot specification to a standalone SVG document string.
 *
 * @example
 * ```ts
 * import { Plot, renderPlot } from "./render.ts";
 * const svg = renderPlot({ marks: [Plot.dot([[1, 2], [2, 3]])] }, { title: "Two dots" });
 * console.assert(svg.includes("Two dots"));
 * ```
 */
export function renderPlot(options: Plot.PlotOptions, render: RenderOptions = {}): string {
  const document = createDocument();
  const color = options.color ? { ...options.color, legend: false } : options.color;
  const spec = {
    ...options,
    color,
    title: undefined,
    subtitle: undefined,
    caption: undefined,
    document,
  } as Plot.PlotOptions;
  // deno-lint-ignore no-explicit-any
  let chart = Plot.plot(spec) as any;
  if (String(chart.tagName).toLowerCase() === "figure") {
    chart = chart.querySelector("svg") ?? chart;
  }
  const width = Number(chart.getAttribute("width") ?? options.width ?? 640);
  const height = Number(chart.getAttribute("height") ?? options.height ?? 400);
  const pad = 8;
  let y = pad;
  const parts: string[] = [];
  if (render.title) {
    parts.push(
      `<text x="${pad}" y="${y + 14}" font-size="15" font-weight="600">` +
        `${escapeHtml(render.title)}</text>`,
    );
    y += 22;
  }
  if (render.subtitle) {
    for (const line of wrapText(render.subtitle, Math.floor((width - 2 * pad) / 6.4))) {
      parts.push(
        `<text x="${pad}" y="${y + 11}" font-size="12" fill="#555">${escapeHtml(line)}</text>`,
      );
      y += 16;
    }
    y += 2;
  }
  if (render.legend) {
    const legend = legendSvg(legendEntries(chart.scale?.("color")), width - 2 * pad);
    parts.push(`<g transform="translate(${pad},${y + 4})">${legend.svg}</g>`);
    y += legend.height + 8;
  }
  chart.setAttribute("x", "0");
  chart.setAttribute("y", String(y));
  chart.setAttribute("style", `width:${width}px;height:${height}px;max-width:none`);
  const total = y + height + pad;
  return `<svg xmlns="${SVG_NS}" width="${width}" height="${total}" ` +
    `viewBox="0 0 ${width} ${total}" font-family="system-ui, sans-serif" font-size="10">` +
    `<rect width="100%" height="100%" fill="${escapeHtml(render.background ?? "white")}"/>` +
    parts.join("") + chart.outerHTML + `</svg>`;
}

/**
 * Renders a Plot specification for a notebook cell: the value shows as an `image/svg+xml` chart.
 *
 * @example
 * ```ts
 * import { Plot, plotDisplay } from "./render.ts";
 * plotDisplay({ marks: [Plot.lineY([1, 3, 2])] }, { title: "A line" }); // a cell's value
 * ```
 */
export function plotDisplay(options: Plot.PlotOptions, render: RenderOptions = {}): Displayable {
  return svgDisplayable(renderPlot(options, render), render.title ?? "chart");
}
