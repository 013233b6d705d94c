/**
 * Renders an {@link EvalResult}: Markdown tables (printed by the CLI and pasted into the README
 * and BENCHMARKS.md), CSV (one row per agent and task, and one per episode) and JSON.
 *
 * Summary CSV columns, in order ({@link SUMMARY_COLUMNS}): `agent`, `task`, `episodes`,
 * `score_mean`, `score_ci_low`, `score_ci_high`, `score_ci_half_width`, `score_sd`,
 * `success_threshold`, `success_rate`, `success_ci_low`, `success_ci_high`, `return_mean`,
 * `return_ci_half_width`, `steps_mean`, `terminated_rate`, then `reward_<component>` (mean
 * episode total) for each of the seven reward components. Episode CSV columns
 * ({@link EPISODE_COLUMNS}): `agent`, `task`, `seed`, `score`, `wire_score`, `success`,
 * `return`, `steps`, `terminated`, `truncated`, then `reward_<component>`. Undefined values
 * (an interval over fewer than two episodes) are empty cells in CSV and `null` in JSON.
 *
 * @example
 * ```ts
 * import { evaluate } from "./evaluate.ts";
 * import { summaryCsv, summaryMarkdown } from "./report.ts";
 * const result = await evaluate({ agents: ["rules"], tasks: ["easy"], seeds: 5 });
 * console.log(summaryMarkdown(result));
 * console.log(summaryCsv(result).split("\n")[0]);
 * ```
 *
 * @module
 */
import { REWARD_COMPONENTS } from "../models.ts";
import type { EvalResult, EvalSummary } from "./evaluate.ts";
import type { EpisodeSummary } from "./episode.ts";

const REWARD_COLUMNS: readonly string[] = REWARD_COMPONENTS.map((c) => `reward_${c}`);

/** Columns of the summary CSV, in order. */
export const SUMMARY_COLUMNS: readonly string[] = [
  "agent",
  "task",
  "episodes",
  "score_mean",
  "score_ci_low",
  "score_ci_high",
  "score_ci_half_width",
  "score_sd",
  "success_threshold",
  "success_rate",
  "success_ci_low",
  "success_ci_high",
  "return_mean",
  "return_ci_half_width",
  "steps_mean",
  "terminated_rate",
  ...REWARD_COLUMNS,
];

/** Columns of the per-episode CSV, in order. */
export const EPISODE_COLUMNS: readonly string[] = [
  "agent",
  "task",
  "seed",
  "score",
  "wire_score",
  "success",
  "return",
  "steps",
  "terminated",
  "truncated",
  ...REWARD_COLUMNS,
];

/** A CSV cell: numbers to at most 6 decimals, NaN empty, text quoted when needed. */
function cell(value: string | number | boolean): string {
  if (typeof value === "number") {
    return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : "";
  }
  const s = String(value);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csv(columns: readonly string[], rows: readonly (string | number | boolean)[][]): string {
  return [columns.join(","), ...rows.map((r) => r.map(cell).join(","))].join("\n") + "\n";
}

/** The summary CSV ({@link SUMMARY_COLUMNS}). */
export function summaryCsv(result: EvalResult): string {
  return csv(
    SUMMARY_COLUMNS,
    result.summaries.map((s) => [
      s.agent,
      s.task,
      s.episodes,
      s.score.mean,
      s.score.low,
      s.score.high,
      s.score.half_width,
      s.score.sd,
      s.success_threshold,
      s.success.rate,
      s.success.low,
      s.success.high,
      s.return.mean,
      s.return.half_width,
      s.steps_mean,
      s.terminated_rate,
      ...REWARD_COMPONENTS.map((c) => s.reward_components[c]),
    ]),
  );
}

/** The per-episode CSV ({@link EPISODE_COLUMNS}). */
export function episodesCsv(result: EvalResult): string {
  return csv(
    EPISODE_COLUMNS,
    result.episodes.map((e: EpisodeSummary) => [
      e.agent,
      e.task,
      e.seed,
      e.score,
      e.wire_score,
      e.success,
      e.return,
      e.steps,
      e.terminated,
      e.truncated,
      ...REWARD_COMPONENTS.map((c) => e.reward_components[c]),
    ]),
  );
}

/** The whole result as JSON (NaN as null), pretty-printed. */
export function resultJson(result: EvalResult): string {
  return JSON.stringify(
    result,
    (_k, v) => typeof v === "number" && !Number.isFinite(v) ? null : v,
    2,
  ) +
    "\n";
}

/** `0.612 ± 0.021` (the ± part is omitted when undefined). */
export function formatScore(s: EvalSummary, digits = 3): string {
  const m = fixed(s.score.mean, digits);
  return Number.isFinite(s.score.half_width) ? `${m} ± ${fixed(s.score.half_width, digits)}` : m;
}

/** `x.toFixed(digits)` without a negative zero (`-0.0` reads as a penalty that is not there). */
function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : "";
}

function table(header: readonly string[], rows: readonly string[][], right: number): string {
  const align = header.map((_, i) => (i < right ? "---" : "---:"));
  const line = (r: readonly string[]) => `| ${r.join(" | ")} |`;
  return [line(header), line(align), ...rows.map(line)].join("\n");
}

/**
 * The calibration table: one row per agent, per task the mean score ± 95% CI and the success
 * rate against the task's threshold.
 */
export function pivotMarkdown(result: EvalResult): string {
  const tasks = result.meta.tasks;
  const header = ["agent"];
  for (const t of tasks) {
    const s = result.summaries.find((x) => x.task === t);
    header.push(`${t} score`, `${t} success (≥ ${s?.success_threshold ?? "?"})`);
  }
  const rows = result.meta.agents.map((a) => {
    const row = [a];
    for (const t of tasks) {
      const s = result.summaries.find((x) => x.agent === a && x.task === t);
      row.push(s ? formatScore(s) : "", s ? pct(s.success.rate) : "");
    }
    return row;
  });
  return table(header, rows, 1);
}

/** The detailed table: one row per (agent, task) with return, length and reward components. */
export function summaryMarkdown(result: EvalResult): string {
  const header = [
    "agent",
    "task",
    "n",
    "score (95% CI)",
    "success",
    "return (95% CI)",
    "steps",
    ...REWARD_COMPONENTS,
  ];
  const rows = result.summaries.map((s) => [
    s.agent,
    s.task,
    String(s.episodes),
    formatScore(s),
    `${pct(s.success.rate)} (≥ ${s.success_threshold})`,
    Number.isFinite(s.return.half_width)
      ? `${fixed(s.return.mean, 1)} ± ${fixed(s.return.half_width, 1)}`
      : fixed(s.return.mean, 1),
    fixed(s.steps_mean, 1),
    ...REWARD_COMPONENTS.map((c) => fixed(s.reward_components[c], 1)),
  ]);
  return table(header, rows, 2);
}

/** Both tables with a one-line description of the run, as printed and written to `eval.md`. */
export function reportMarkdown(result: EvalResult): string {
  const m = result.meta;
  const seeds = m.seeds.length === 0
    ? "no seeds"
    : `${m.seeds.length} seeds per task (${m.seeds[0]}..${m.seeds[m.seeds.length - 1]})`;
  return [
    `Evaluation: ${seeds}. Score: mean ± ${m.ci_level * 100}% CI; success: share of episodes ` +
    `at or above the task's threshold. Intervals: ${m.ci_method}.`,
    "",
    pivotMarkdown(result),
    "",
    summaryMarkdown(result),
    "",
  ].join("\n");
}
