/**
 * Watch mode of the web console: an agent of the evaluation registry (`rules`, the tuned
 * baselines, `ppo`, `oracle`, ...) plays its own fresh episode of a task on a seed, server-side,
 * and the console replays the trajectory tick by tick beside a person's decisions on the same
 * seed (the same seed builds the same world). The trajectory ends with the hidden truth and the
 * grade: the oracle reads the truth while it plays, which is why the route refuses a seed that
 * an episode is still running (see `routes.ts`).
 *
 * @example
 * ```ts
 * import { watchEpisode } from "./watch.ts";
 * const run = await watchEpisode("rules", "easy", 3);
 * console.assert(run.ticks.length === run.steps && run.truth.alerts.length > 0);
 * ```
 *
 * @module
 */
import type { Action, Decision, Observation, RewardComponent, Truth } from "../models.ts";
import { createAgent } from "../eval/agent_registry.ts";
import { runEpisode } from "../eval/episode.ts";
import { getTask, makeEnv } from "../../tasks/registry.ts";

/** The agents the console offers to watch, in its order. */
export const WATCH_AGENTS: readonly string[] = ["rules", "rules-tuned", "linear", "ppo", "oracle"];

/** One tick of a watched episode. */
export interface WatchTick {
  /** What the agent saw. */
  observation: Observation;
  /** What it decided (one entry per decided alert). */
  decisions: Decision[];
  /** The tick's reward. */
  reward: number;
  /** The reward per component. */
  components: Record<RewardComponent, number>;
}

/** A watched episode. */
export interface WatchedEpisode {
  /** Agent name. */
  agent: string;
  /** Task id. */
  task: string;
  /** Seed. */
  seed: number;
  /** Ticks played. */
  steps: number;
  /** Sum of rewards. */
  return: number;
  /** Wire score (what the server reports as `task_score`). */
  task_score: number;
  /** Whether the score reached the threshold. */
  success: boolean;
  /** The task's threshold. */
  success_threshold: number;
  /** The grader's breakdown. */
  task_score_breakdown: Record<string, number>;
  /** Every tick. */
  ticks: WatchTick[];
  /** The hidden truth at the end. */
  truth: Truth;
}

/** The decisions of an action, as a list. */
export function decisionsOf(action: Action): Decision[] {
  if ("decisions" in action) {
    return action.decisions.map(({ alert_id, action_type }) => ({ alert_id, action_type }));
  }
  return [{ alert_id: action.alert_id, action_type: action.action_type }];
}

/**
 * Plays `agent` on `task` from `seed` and returns its trajectory. Throws the registry's errors
 * for an unknown agent or task, or an agent that cannot be built here (no policy file).
 */
export async function watchEpisode(
  agent: string,
  task: string,
  seed: number,
): Promise<WatchedEpisode> {
  const player = await createAgent(agent, task);
  const { summary, recording } = await runEpisode(makeEnv(task), player, seed, {
    record: true,
    agentName: agent,
  });
  const rec = recording!;
  return {
    agent,
    task,
    seed,
    steps: summary.steps,
    return: summary.return,
    task_score: summary.wire_score,
    success: summary.success,
    success_threshold: getTask(task).successThreshold,
    task_score_breakdown: summary.grade_components,
    ticks: rec.steps.map((s) => ({
      observation: s.observation,
      decisions: decisionsOf(s.action),
      reward: s.reward.value,
      components: s.reward.components,
    })),
    truth: rec.truth,
  };
}
