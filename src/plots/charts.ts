/**
 * The project's standard charts, shared by `deno task plots` (files under `docs/`) and the
 * notebooks: the evaluation comparison (agents x tasks, mean score with its 95% confidence
 * interval, against each task's success threshold) and the learning curves of training runs.
 * Both take plain rows, so they work from an evaluation result, its JSON file, or a training log.
 *
 * @example
 * ```ts
 * import { scoreComparisonSvg } from "./charts.ts";
 * const svg = scoreComparisonSvg([
 *   { agent: "rules", task: "easy", mean: 0.73, low: 0.71, high: 0.75, threshold: 0.7 },
 * ]);
 * console.assert(svg.includes("plot-legend"));
 * ```
 *
 * @module
 */
import { Plot, renderPlot } from "./render.ts";

/** One (agent, task) cell of an evaluation: mean score and its confidence interval. */
export interface ScoreRow {
  /** Agent name. */
  agent: string;
  /** Task id. */
  task: string;
  /** Mean grader score. */
  mean: number;
  /** Lower bound of the interval (NaN or equal to the mean for none). */
  low: number;
  /** Upper bound of the interval. */
  high: number;
  /** The task's success threshold. */
  threshold: number;
}

/** The fields of an evaluation summary {@link scoreRows} reads (`EvalSummary` fits). */
export interface SummaryLike {
  /** Agent name. */
  agent: string;
  /** Task id. */
  task: string;
  /** Mean score and its interval. */
  score: { mean: number; low: number; high: number };
  /** The task's success threshold. */
  success_threshold: number;
}

/**
 * Score rows from evaluation summaries (`evaluate(...).summaries`, or the `summaries` of the
 * JSON that `deno task eval` writes).
 *
 * @example
 * ```ts
 * import { scoreRows } from "./charts.ts";
 * const rows = scoreRows([{
 *   agent: "rules", task: "easy", success_threshold: 0.7,
 *   score: { mean: 0.73, low: 0.71, high: 0.75 },
 * }]);
 * console.assert(rows[0].threshold === 0.7);
 * ```
 */
export function scoreRows(summaries: readonly SummaryLike[]): ScoreRow[] {
  return summaries.map((s) => ({
    agent: s.agent,
    task: s.task,
    mean: s.score.mean,
    low: Number.isFinite(s.score.low) ? s.score.low : s.score.mean,
    high: Number.isFinite(s.score.high) ? s.score.high : s.score.mean,
    threshold: s.success_threshold,
  }));
}

/** Options of the standard charts. */
export interface ChartOptions {
  /** Title (a default is used when omitted). */
  title?: string;
  /** Subtitle. */
  subtitle?: string;
  /** Width in pixels. */
  width?: number;
  /** Height of the plot area in pixels. */
  height?: number;
}

const AGENT_COLOURS: Record<string, string> = {
  random: "#9ca3af",
  rules: "#2563eb",
  oracle: "#16a34a",
  ppo: "#dc2626",
};
const EXTRA_COLOURS = ["#9333ea", "#d97706", "#0891b2", "#db2777", "#65a30d", "#78716c"];

/** Stable colours per agent name (random grey, rules blue, oracle green, ppo red). */
export function agentColours(agents: readonly string[]): string[] {
  let extra = 0;
  return agents.map((a) => AGENT_COLOURS[a] ?? EXTRA_COLOURS[extra++ % EXTRA_COLOURS.length]);
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/**
 * The evaluation comparison: one panel per task, one dot per agent at its mean score with its
 * 95% interval as a bar, and the task's success threshold as a dashed red line.
 *
 * @example
 * ```ts
 * import { scoreComparisonSvg } from "./charts.ts";
 * const svg = scoreComparisonSvg([
 *   { agent: "random", task: "hard", mean: 0.02, low: 0.01, high: 0.03, threshold: 0.6 },
 *   { agent: "oracle", task: "hard", mean: 1, low: 1, high: 1, threshold: 0.6 },
 * ], { title: "hard" });
 * ```
 */
export function scoreComparisonSvg(rows: readonly ScoreRow[], opts: ChartOptions = {}): string {
  const agents = unique(rows.map((r) => r.agent));
  const tasks = unique(rows.map((r) => r.task));
  const thresholds = tasks.map((task) => ({
    task,
    threshold: rows.find((r) => r.task === task)!.threshold,
  }));
  const width = opts.width ?? Math.max(520, 90 + tasks.length * agents.length * 46);
  return renderPlot({
    width,
    height: opts.height ?? 320,
    marginTop: 34,
    marginRight: 36,
    marginBottom: 60,
    fx: { domain: tasks, label: null },
    x: { domain: agents, label: null, tickRotate: -30 },
    y: { domain: [0, 1], label: "grader score (mean, 95% CI)", grid: true },
    color: { domain: agents, range: agentColours(agents) },
    marks: [
      Plot.ruleY(thresholds, {
        fx: "task",
        y: "threshold",
        stroke: "#dc2626",
        strokeDasharray: "5 3",
      }),
      Plot.text(thresholds, {
        fx: "task",
        y: "threshold",
        text: (d: { threshold: number }) => `success ${d.threshold}`,
        frameAnchor: "left",
        textAnchor: "start",
        dy: -6,
        fill: "#dc2626",
        fontSize: 9,
      }),
      Plot.ruleX(rows, {
        fx: "task",
        x: "agent",
        y1: "low",
        y2: "high",
        stroke: "agent",
        strokeWidth: 3,
      }),
      Plot.dot(rows, { fx: "task", x: "agent", y: "mean", fill: "agent", r: 5, stroke: "white" }),
      Plot.text(rows, {
        fx: "task",
        x: "agent",
        y: "mean",
        text: (d: ScoreRow) => d.mean.toFixed(2),
        dx: 14,
        textAnchor: "start",
        fontSize: 9,
      }),
    ],
  }, {
    title: opts.title ?? "Grader score by agent and task",
    subtitle: opts.subtitle ?? "dot: mean; bar: 95% confidence interval; dashed: success threshold",
    legend: true,
  });
}

/** One point of a learning curve. */
export interface CurvePoint {
  /** The curve (usually the task id). */
  series: string;
  /** Environment steps of training so far. */
  step: number;
  /** The measured value (mean grader score, or mean return). */
  value: number;
  /** Lower bound of an interval around the value, if any. */
  low?: number;
  /** Upper bound of an interval around the value, if any. */
  high?: number;
}

/**
 * Learning curves: one line per series (x: training steps), an optional band for the interval,
 * and dashed horizontal reference lines (e.g. the success thresholds, or a baseline's score).
 *
 * @example
 * ```ts
 * import { learningCurveSvg } from "./charts.ts";
 * const svg = learningCurveSvg(
 *   [{ series: "easy", step: 0, value: 0.3 }, { series: "easy", step: 1000, value: 0.6 }],
 *   { references: [{ series: "easy", value: 0.7, label: "threshold" }] },
 * );
 * ```
 */
export function learningCurveSvg(
  points: readonly CurvePoint[],
  opts: ChartOptions & {
    /** Label of the y axis (default "mean grader score"). */
    yLabel?: string;
    /** Horizontal reference lines, coloured like their series (label above, or `below`). */
    references?: readonly { series: string; value: number; label?: string; below?: boolean }[];
    /** Fix the y domain (default [0, 1] when every value is in it). */
    yDomain?: [number, number];
  } = {},
): string {
  const series = unique(points.map((p) => p.series));
  const refs = opts.references ?? [];
  const inUnit = points.every((p) => p.value >= 0 && p.value <= 1);
  const band = points.filter((p) => p.low !== undefined && p.high !== undefined);
  return renderPlot({
    width: opts.width ?? 720,
    height: opts.height ?? 320,
    x: { label: "training environment steps", grid: true },
    y: {
      label: opts.yLabel ?? "mean grader score",
      grid: true,
      domain: opts.yDomain ?? (inUnit ? [0, 1] : undefined),
    },
    color: { domain: series, scheme: "Tableau10" },
    marks: [
      Plot.areaY(band, { x: "step", y1: "low", y2: "high", fill: "series", fillOpacity: 0.15 }),
      Plot.ruleY(refs, { y: "value", stroke: "series", strokeDasharray: "5 3" }),
      ...[false, true].map((below) =>
        Plot.text(refs.filter((r) => Boolean(r.below) === below), {
          y: "value",
          text: (d: { label?: string }) => d.label ?? "",
          frameAnchor: "right",
          textAnchor: "end",
          dy: below ? 10 : -6,
          fill: "series",
          fontSize: 9,
        })
      ),
      Plot.lineY(points, { x: "step", y: "value", stroke: "series", strokeWidth: 2 }),
    ],
  }, {
    title: opts.title ?? "Learning curves",
    subtitle: opts.subtitle,
    legend: true,
  });
}
