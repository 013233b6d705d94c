// A small dependency-free SVG line chart (several series over the same x axis).
import { h } from "./format.js";

/**
 * An SVG chart of `series` ([{name, values, color, dash?}]) over ticks 0..n-1, scaled per
 * series into its own [min, max] when `separate` is set, else one common scale.
 */
export function lineChart(series, { width = 360, height = 120, title = "", yMin, yMax } = {}) {
  const pad = { l: 34, r: 8, t: 8, b: 20 };
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const lo = yMin ?? Math.min(0, ...all);
  let hi = yMax ?? Math.max(1, ...all);
  if (hi === lo) hi = lo + 1;
  const x = (i) => pad.l + (n <= 1 ? 0 : (i / (n - 1)) * (width - pad.l - pad.r));
  const y = (v) => pad.t + (1 - (v - lo) / (hi - lo)) * (height - pad.t - pad.b);
  const svg = h("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart",
    role: "img",
    "aria-label": title,
  }, h("title", {}, title));
  svg.append(
    h("line", { x1: pad.l, x2: width - pad.r, y1: y(0), y2: y(0), class: "axis" }),
    h("line", { x1: pad.l, x2: pad.l, y1: pad.t, y2: height - pad.b, class: "axis" }),
    h("text", { x: pad.l - 4, y: y(hi) + 4, "text-anchor": "end", class: "tick" }, fmt(hi)),
    h("text", { x: pad.l - 4, y: y(lo), "text-anchor": "end", class: "tick" }, fmt(lo)),
    h(
      "text",
      { x: width - pad.r, y: height - 4, "text-anchor": "end", class: "tick" },
      `tick ${n - 1}`,
    ),
  );
  for (const s of series) {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    svg.append(h("polyline", {
      points: pts,
      fill: "none",
      stroke: s.color,
      "stroke-width": 2,
      "stroke-dasharray": s.dash ?? null,
    }));
  }
  return svg;
}

function fmt(v) {
  return Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1);
}

/** A legend for the chart's series. */
export function legend(series) {
  return h(
    "ul",
    { class: "legend" },
    series.map((s) =>
      h("li", {}, h("span", { class: "swatch", style: `background:${s.color}` }), s.name)
    ),
  );
}
