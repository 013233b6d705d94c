/**
 * The evaluation runner: agents x tasks x seeds, with one summary row per (agent, task) —
 * mean score with its 95% Student-t confidence interval, success rate against the task's
 * threshold (with a Wilson interval), mean return, mean steps, and the mean of every reward
 * component and grader component.
 *
 * **Seeds.** Every agent plays the same seeds on every task (paired comparison). By default
 * they are {@link DEFAULT_SEEDS} consecutive seeds from {@link EVAL_SEED_START} = 10,000,000,
 * a held-out range: training and tuning must use seeds below it.
 *
 * @example
 * ```ts
 * import { evaluate } from "./evaluate.ts";
 * const result = await evaluate({ agents: ["random", "rules"], tasks: ["easy"], seeds: 10 });
 * for (const s of result.summaries) {
 *   console.log(s.agent, s.task, s.score.mean.toFixed(3), "±", s.score.half_width.toFixed(3));
 * }
 * ```
 *
 * @module
 */
import type { Agent } from "../agents/agent.ts";
import { REWARD_COMPONENTS, type RewardComponent } from "../models.ts";
import { assertSeed } from "../rng.ts";
import { getTask, makeEnv, TASK_IDS } from "../../tasks/registry.ts";
import { createAgent } from "./agent_registry.ts";
import { type EpisodeSummary, runEpisode } from "./episode.ts";
import type { EpisodeRecording } from "./recording.ts";
import {
  type MeanInterval,
  meanInterval,
  type ProportionInterval,
  wilsonInterval,
} from "./stats.ts";

/** First seed of the default held-out evaluation range. */
export const EVAL_SEED_START = 10_000_000;

/** Seeds per task by default. */
export const DEFAULT_SEEDS = 100;

/** Confidence level of every interval in the tables. */
export const CI_LEVEL = 0.95;

/** Progress of an evaluation, reported after every episode. */
export interface EvalProgress {
  /** Episodes finished. */
  done: number;
  /** Episodes in the whole evaluation. */
  total: number;
  /** Agent of the episode just finished. */
  agent: string;
  /** Task of the episode just finished. */
  task: string;
  /** Set when this episode completed its (agent, task) cell: the cell's summary. */
  completed?: EvalSummary;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Agents, by registry name (see `AGENT_NAMES`) or as instances (reset before each episode). */
  agents: readonly (string | Agent)[];
  /** Task ids (default: every task, easiest first). */
  tasks?: readonly string[];
  /** A number of consecutive seeds from `seedStart` (default 100), or the exact seeds. */
  seeds?: number | readonly number[];
  /** First seed when `seeds` is a number (default {@link EVAL_SEED_START}). */
  seedStart?: number;
  /** Called after every episode. */
  onProgress?: (progress: EvalProgress) => void;
  /** Called with every episode's full recording; setting it turns recording on. */
  onRecording?: (recording: EpisodeRecording) => void | Promise<void>;
}

/** Summary of one (agent, task) cell. */
export interface EvalSummary {
  /** Agent name. */
  agent: string;
  /** Task id. */
  task: string;
  /** Episodes played. */
  episodes: number;
  /** Grader score: mean and 95% confidence interval. */
  score: MeanInterval;
  /** The task's success threshold. */
  success_threshold: number;
  /** Share of episodes whose score reached the threshold, with its 95% Wilson interval. */
  success: ProportionInterval;
  /** Episode return: mean and 95% confidence interval. */
  return: MeanInterval;
  /** Mean episode length. */
  steps_mean: number;
  /** Share of episodes that ended by the failure threshold. */
  terminated_rate: number;
  /** Mean episode total of every reward component. */
  reward_components: Record<RewardComponent, number>;
  /** Mean of every grader component. */
  grade_components: Record<string, number>;
}

/** What {@link evaluate} returns. */
export interface EvalResult {
  /** How the evaluation was run. */
  meta: {
    /** Agent names, in order. */
    agents: string[];
    /** Task ids, in order. */
    tasks: string[];
    /** The seeds every agent played on every task. */
    seeds: number[];
    /** Confidence level of the intervals. */
    ci_level: number;
    /** How the intervals are computed. */
    ci_method: string;
    /** Wall-clock seconds the evaluation took. */
    seconds: number;
  };
  /** One row per (agent, task), agents outer, tasks inner. */
  summaries: EvalSummary[];
  /** One row per episode. */
  episodes: EpisodeSummary[];
}

/** The seeds an evaluation plays: explicit, or `count` consecutive seeds from `start`. */
export function evalSeeds(
  seeds: number | readonly number[] = DEFAULT_SEEDS,
  start = EVAL_SEED_START,
): number[] {
  const list = typeof seeds === "number"
    ? (() => {
      if (!Number.isInteger(seeds) || seeds < 1) {
        throw new RangeError(`seeds must be a positive integer, got ${seeds}`);
      }
      return Array.from({ length: seeds }, (_, i) => start + i);
    })()
    : [...seeds];
  for (const s of list) assertSeed(s);
  return list;
}

function meanOf(rows: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) for (const [k, v] of Object.entries(row)) out[k] = (out[k] ?? 0) + v;
  for (const k of Object.keys(out)) out[k] /= rows.length;
  return out;
}

/** Summarises the episodes of one (agent, task) cell. */
export function summarize(
  agent: string,
  task: string,
  rows: readonly EpisodeSummary[],
): EvalSummary {
  const n = rows.length;
  const successes = rows.reduce((k, r) => k + (r.success ? 1 : 0), 0);
  const rewardMeans = meanOf(rows.map((r) => r.reward_components));
  const reward_components = {} as Record<RewardComponent, number>;
  for (const c of REWARD_COMPONENTS) reward_components[c] = rewardMeans[c] ?? 0;
  return {
    agent,
    task,
    episodes: n,
    score: meanInterval(rows.map((r) => r.score), CI_LEVEL),
    success_threshold: getTask(task).successThreshold,
    success: wilsonInterval(successes, n),
    return: meanInterval(rows.map((r) => r.return), CI_LEVEL),
    steps_mean: rows.reduce((s, r) => s + r.steps, 0) / n,
    terminated_rate: rows.reduce((s, r) => s + (r.terminated ? 1 : 0), 0) / n,
    reward_components,
    grade_components: meanOf(rows.map((r) => r.grade_components)),
  };
}

/**
 * Runs every agent on every task for every seed and summarises each (agent, task) cell.
 * Agents given by name are built per task through the registry (so `ppo` loads the task's
 * policy); unknown agents or tasks fail before any episode is played.
 *
 * @example
 * ```ts
 * import { evaluate } from "./evaluate.ts";
 * const r = await evaluate({ agents: ["oracle"], tasks: ["hard"], seeds: [1, 2, 3] });
 * console.log(r.summaries[0].success.rate);
 * ```
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalResult> {
  const started = performance.now();
  const tasks = [...(options.tasks ?? TASK_IDS)];
  for (const t of tasks) getTask(t);
  const seeds = evalSeeds(options.seeds, options.seedStart);
  if (options.agents.length === 0) throw new RangeError("agents must name at least one agent");
  // Build every agent up front so that a missing policy fails before hours of play.
  const cells: { name: string; task: string; agent: Agent }[] = [];
  for (const spec of options.agents) {
    for (const task of tasks) {
      const agent = typeof spec === "string" ? await createAgent(spec, task) : spec;
      cells.push({ name: typeof spec === "string" ? spec : spec.name, task, agent });
    }
  }
  const total = cells.length * seeds.length;
  const record = options.onRecording !== undefined;
  const summaries: EvalSummary[] = [];
  const episodes: EpisodeSummary[] = [];
  let done = 0;
  for (const cell of cells) {
    const env = makeEnv(cell.task);
    const rows: EpisodeSummary[] = [];
    for (const seed of seeds) {
      const run = await runEpisode(env, cell.agent, seed, { record, agentName: cell.name });
      if (run.recording && options.onRecording) await options.onRecording(run.recording);
      rows.push(run.summary);
      done++;
      const last = rows.length === seeds.length;
      const completed = last ? summarize(cell.name, cell.task, rows) : undefined;
      if (completed) summaries.push(completed);
      options.onProgress?.({ done, total, agent: cell.name, task: cell.task, completed });
    }
    episodes.push(...rows);
  }
  return {
    meta: {
      agents: [...new Set(cells.map((c) => c.name))],
      tasks,
      seeds,
      ci_level: CI_LEVEL,
      ci_method: "Student t for mean score and return, Wilson score for success rate",
      seconds: (performance.now() - started) / 1000,
    },
    summaries,
    episodes,
  };
}
