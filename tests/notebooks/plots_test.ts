import assert from "node:assert/strict";
import {
  agentColours,
  learningCurveSvg,
  scoreComparisonSvg,
  scoreRows,
} from "../../src/plots/charts.ts";
import {
  legendEntries,
  LegendError,
  legendSvg,
  Plot,
  plotDisplay,
  renderPlot,
  wrapText,
} from "../../src/plots/render.ts";
import { JUPYTER_DISPLAY } from "../../src/plots/mime.ts";

const DATA = [
  { agent: "random", score: 0.3 },
  { agent: "rules", score: 0.7 },
  { agent: "oracle", score: 1 },
];

function assertStandaloneSvg(svg: string): void {
  assert.ok(svg.startsWith(`<svg xmlns="http://www.w3.org/2000/svg"`), svg.slice(0, 80));
  assert.ok(svg.endsWith("</svg>"));
  assert.match(svg, /<rect width="100%" height="100%" fill="white"\/>/);
}

Deno.test("renderPlot draws a standalone SVG with a title and a categorical legend", () => {
  const svg = renderPlot(
    { marks: [Plot.barY(DATA, { x: "agent", y: "score", fill: "agent" })] },
    { title: "Scores & more", subtitle: "sub", legend: true },
  );
  assertStandaloneSvg(svg);
  assert.ok(svg.includes("Scores &amp; more"));
  assert.equal(svg.match(/class="plot-legend-item"/g)?.length, 3);
  for (const a of ["random", "rules", "oracle"]) assert.ok(svg.includes(`>${a}</text>`));
  assert.ok(!svg.includes("<figure") && !svg.includes("<div"), "HTML left in the SVG");
});

Deno.test("a legend on a continuous colour scale is refused with a clear error", () => {
  assert.throws(
    () =>
      renderPlot(
        { marks: [Plot.dot(DATA, { x: "agent", y: "score", fill: "score" })] },
        { legend: true },
      ),
    LegendError,
  );
  assert.throws(() => legendEntries(undefined), LegendError);
  // Without a legend, a continuous colour scale renders fine.
  assertStandaloneSvg(renderPlot({ marks: [Plot.dot(DATA, { x: "agent", fill: "score" })] }));
});

Deno.test("legendSvg wraps entries into rows", () => {
  const entries = Array.from({ length: 12 }, (_, i) => ({ label: `series ${i}`, colour: "#000" }));
  assert.ok(legendSvg(entries, 200).height > legendSvg(entries, 2000).height);
  assert.equal(legendSvg([], 200).height, 0);
});

Deno.test("plotDisplay answers the Jupyter.display protocol with image/svg+xml", () => {
  const d = plotDisplay({ marks: [Plot.lineY([1, 3, 2])] }, { title: "line" });
  const bundle = d[JUPYTER_DISPLAY]();
  assertStandaloneSvg(bundle["image/svg+xml"]);
  assert.equal(bundle["text/plain"], "[line]");
});

Deno.test("scoreComparisonSvg shows every agent, task and threshold", () => {
  const rows = scoreRows([
    {
      agent: "random",
      task: "easy",
      success_threshold: 0.7,
      score: { mean: 0.3, low: 0.25, high: 0.35 },
    },
    {
      agent: "rules",
      task: "easy",
      success_threshold: 0.7,
      score: { mean: 0.73, low: NaN, high: NaN },
    },
    {
      agent: "random",
      task: "hard",
      success_threshold: 0.6,
      score: { mean: 0.02, low: 0, high: 0.04 },
    },
    {
      agent: "rules",
      task: "hard",
      success_threshold: 0.6,
      score: { mean: 0.46, low: 0.4, high: 0.5 },
    },
  ]);
  assert.equal(rows[1].low, 0.73);
  const svg = scoreComparisonSvg(rows);
  assertStandaloneSvg(svg);
  assert.equal(svg.match(/class="plot-legend-item"/g)?.length, 2);
  for (const s of ["success 0.7", "success 0.6", ">easy<", ">hard<", "0.73"]) {
    assert.ok(svg.includes(s), `${s} missing`);
  }
});

Deno.test("learningCurveSvg draws one line per series and the reference lines", () => {
  const points = ["easy", "hard"].flatMap((series) =>
    [0, 1, 2].map((i) => ({ series, step: i * 1000, value: 0.2 * i, low: 0.1 * i, high: 0.3 * i }))
  );
  const svg = learningCurveSvg(points, {
    references: [
      { series: "easy", value: 0.7, label: "easy threshold" },
      { series: "hard", value: 0.6, label: "hard threshold", below: true },
    ],
  });
  assertStandaloneSvg(svg);
  assert.equal(svg.match(/class="plot-legend-item"/g)?.length, 2);
  assert.ok(svg.includes("easy threshold") && svg.includes("hard threshold"));
});

Deno.test("agent colours are stable for the reference agents", () => {
  assert.deepEqual(agentColours(["rules", "x", "oracle", "y"]).length, 4);
  assert.equal(agentColours(["ppo"])[0], agentColours(["rules", "ppo"])[1]);
});

Deno.test("long subtitles wrap onto several lines", () => {
  assert.deepEqual(wrapText("a bb ccc", 4), ["a bb", "ccc"]);
  assert.deepEqual(wrapText("  ", 4), []);
  assert.deepEqual(wrapText("abcdefgh ij", 4), ["abcdefgh", "ij"]);
  const svg = renderPlot({ width: 300, marks: [Plot.lineY([1, 2])] }, {
    subtitle: "word ".repeat(40),
  });
  assert.ok((svg.match(/fill="#555"/g)?.length ?? 0) >= 3);
});
