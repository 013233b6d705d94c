/**
 * The leaderboard of the web console: per task and per agent (people play under `human` or a
 * name of their choice), the mean wire score with its 95% confidence interval (Student's t),
 * finished episodes, success rate and the task's success threshold. It is a view of the
 * server's score store (the metrics' per task, per agent score statistics, which every episode
 * finished through the server feeds), next to the rule baseline of the score comparison.
 *
 * @example
 * ```ts
 * import { leaderboard } from "./leaderboard.ts";
 * const scores = new Map([["easy", new Map([["human", {
 *   latest: 0.8, sum: 1.4, sumSquares: 1.0, episodes: 2, successes: 1,
 * }]])]]);
 * const board = leaderboard(scores, {});
 * console.assert(board.tasks[0].rows[0].mean === 0.7);
 * ```
 *
 * @module
 */
import { studentTQuantile } from "../eval/stats.ts";
import { round4 } from "../numbers.ts";
import { listTasks } from "../../tasks/registry.ts";

/** What the leaderboard reads of one (task, agent) score statistic. */
export interface ScoreSummary {
  /** Sum of the wire scores. */
  readonly sum: number;
  /** Sum of the squared wire scores. */
  readonly sumSquares: number;
  /** Finished episodes. */
  readonly episodes: number;
  /** Episodes reaching the success threshold. */
  readonly successes: number;
}

/** The score store: per task, per agent. */
export type ScoreSource = ReadonlyMap<string, ReadonlyMap<string, ScoreSummary>>;

/** What the leaderboard reads of the rule baseline of one task. */
export interface BaselineSummary {
  /** Agent name. */
  readonly agent: string;
  /** Mean wire score. */
  readonly mean: number;
  /** Episodes (seeds `0..episodes-1`). */
  readonly episodes: number;
  /** Share reaching the threshold. */
  readonly success_rate: number;
}

/** One agent's row. */
export interface LeaderboardRow {
  /** Agent label (a person's name or `human`, or an agent's name). */
  agent: string;
  /** Mean wire score. */
  mean: number;
  /** Lower bound of the 95% interval of the mean, clipped to [0, 1] (null below two episodes). */
  ci_low: number | null;
  /** Upper bound of the 95% interval of the mean, clipped to [0, 1] (null below two episodes). */
  ci_high: number | null;
  /** Finished episodes. */
  episodes: number;
  /** Share of the episodes reaching the threshold. */
  success_rate: number;
}

/** One task's table. */
export interface LeaderboardTask {
  /** Task id. */
  task: string;
  /** Display name. */
  name: string;
  /** Score needed for success. */
  success_threshold: number;
  /** Rows by descending mean. */
  rows: LeaderboardRow[];
  /** The rule baseline over fixed seeds, when known. */
  baseline: BaselineSummary | null;
}

/** The whole leaderboard. */
export interface Leaderboard {
  /** One table per task, in the registry's order. */
  tasks: LeaderboardTask[];
}

/**
 * Mean and 95% interval of the mean from the sums (Student's t, clipped to the score range
 * [0, 1]; null below two episodes).
 */
export function scoreInterval(
  s: ScoreSummary,
): { mean: number; low: number | null; high: number | null } {
  const n = s.episodes;
  const mean = s.sum / n;
  if (n < 2) return { mean, low: null, high: null };
  const variance = Math.max(0, (s.sumSquares - n * mean * mean) / (n - 1));
  const half = studentTQuantile(0.975, n - 1) * Math.sqrt(variance / n);
  return { mean, low: Math.max(0, mean - half), high: Math.min(1, mean + half) };
}

/** The leaderboard of every registered task from the score store and the baselines. */
export function leaderboard(
  scores: ScoreSource,
  baseline: Readonly<Record<string, BaselineSummary>>,
): Leaderboard {
  const tasks = listTasks().map((info): LeaderboardTask => {
    const rows: LeaderboardRow[] = [];
    for (const [agent, s] of scores.get(info.id) ?? []) {
      if (s.episodes === 0) continue;
      const { mean, low, high } = scoreInterval(s);
      rows.push({
        agent,
        mean: round4(mean),
        ci_low: low === null ? null : round4(low),
        ci_high: high === null ? null : round4(high),
        episodes: s.episodes,
        success_rate: round4(s.successes / s.episodes),
      });
    }
    rows.sort((a, b) => b.mean - a.mean || a.agent.localeCompare(b.agent));
    return {
      task: info.id,
      name: info.name,
      success_threshold: info.success_threshold,
      rows,
      baseline: baseline[info.id] ?? null,
    };
  });
  return { tasks };
}
