/**
 * Learning curves from training logs. The reader is deliberately tolerant of the log's shape so
 * that it works with what the trainer writes: a list of per-update reports, or an object holding
 * one under `history`, `updates`, `log` or `curve` (also inside `training`, as in a policy file).
 * Each report needs a step count (`globalStep`, `global_step`, `step`, `steps`, `env_steps`) and a
 * value (`meanScore`, `mean_score`, `score`, `eval_score` by default; or `meanReturn` ... with
 * `metric: "return"`). Non-finite values (updates in which no episode ended) are skipped.
 *
 * @example
 * ```ts
 * import { curveFromLog } from "./training_log.ts";
 * const points = curveFromLog({ history: [{ globalStep: 1024, meanScore: 0.4 }] }, "easy");
 * console.assert(points[0].step === 1024 && points[0].series === "easy");
 * ```
 *
 * @module
 */
import type { CurvePoint } from "./charts.ts";

const STEP_KEYS = ["globalStep", "global_step", "step", "steps", "env_steps", "timesteps"];
const SCORE_KEYS = ["meanScore", "mean_score", "score", "eval_score", "evalScore"];
const RETURN_KEYS = ["meanReturn", "mean_return", "return", "episode_return"];
const LIST_KEYS = ["history", "updates", "log", "curve", "learning_curve"];

function asRecord(x: unknown): Record<string, unknown> | undefined {
  return typeof x === "object" && x !== null && !Array.isArray(x)
    ? x as Record<string, unknown>
    : undefined;
}

/** The list of per-update records inside a log, or undefined when there is none. */
export function findHistory(log: unknown): Record<string, unknown>[] | undefined {
  if (Array.isArray(log)) return log.map(asRecord).filter((r) => r !== undefined);
  const obj = asRecord(log);
  if (!obj) return undefined;
  for (const k of LIST_KEYS) {
    if (Array.isArray(obj[k])) return findHistory(obj[k]);
  }
  for (const k of ["training", "train"]) {
    const inner = findHistory(obj[k]);
    if (inner) return inner;
  }
  return undefined;
}

function pick(r: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const v = r[k];
    if (typeof v === "number") return v;
  }
  return undefined;
}

/**
 * The learning curve held in a training log, as points of one series (empty when the log holds
 * no usable history). `smooth` averages each value with the `smooth - 1` before it.
 *
 * @example
 * ```ts
 * import { curveFromLog } from "./training_log.ts";
 * const log = [1, 2, 3, 4].map((i) => ({ step: i * 100, meanReturn: i * 10 }));
 * console.assert(curveFromLog(log, "hard", { metric: "return", smooth: 2 })[1].value === 15);
 * ```
 */
export function curveFromLog(
  log: unknown,
  series: string,
  opts: { metric?: "score" | "return"; smooth?: number } = {},
): CurvePoint[] {
  const history = findHistory(log) ?? [];
  const keys = opts.metric === "return" ? RETURN_KEYS : SCORE_KEYS;
  const raw: { step: number; value: number }[] = [];
  for (const r of history) {
    const step = pick(r, STEP_KEYS);
    const value = pick(r, keys);
    if (step !== undefined && value !== undefined && Number.isFinite(value)) {
      raw.push({ step, value });
    }
  }
  const k = Math.max(1, Math.floor(opts.smooth ?? 1));
  return raw.map((p, i) => {
    const window = raw.slice(Math.max(0, i - k + 1), i + 1);
    return { series, step: p.step, value: window.reduce((s, w) => s + w.value, 0) / window.length };
  });
}
