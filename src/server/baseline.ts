/**
 * The seed's "RL score vs baseline" comparison: the rule-based agent's mean wire score per task
 * over fixed seeds (computed once, in-process, on first use), next to the latest and mean score
 * of every agent that played through the server.
 *
 * @example
 * ```ts
 * import { ruleBaseline } from "./baseline.ts";
 * const b = ruleBaseline(2);
 * console.assert(b.easy.episodes === 2);
 * ```
 *
 * @module
 */
import { round4 } from "../numbers.ts";
import { RuleBasedAgent } from "../agents/rule_based.ts";
import { gradeEpisode, makeEnv, TASK_IDS } from "../../tasks/registry.ts";
import { toWireScore } from "../../tasks/task.ts";
import type { Metrics } from "./metrics.ts";

/** The baseline of one task. */
export interface BaselineScore {
  /** Agent name (`rules`). */
  agent: string;
  /** Mean wire score. */
  mean: number;
  /** Episodes played (seeds 0..episodes-1). */
  episodes: number;
  /** Share of the episodes reaching the success threshold. */
  success_rate: number;
}

/** Mean wire score of the rule-based agent per task, on seeds `0..episodes-1`. */
export function ruleBaseline(episodes: number): Record<string, BaselineScore> {
  const out: Record<string, BaselineScore> = {};
  for (const task of TASK_IDS) {
    const env = makeEnv(task);
    const agent = new RuleBasedAgent();
    let sum = 0, successes = 0;
    for (let seed = 0; seed < episodes; seed++) {
      let { observation } = env.reset({ seed });
      for (;;) {
        const r = env.step(agent.act(observation));
        observation = r.observation;
        if (r.terminated || r.truncated) break;
      }
      const grade = gradeEpisode(env);
      sum += toWireScore(grade.score);
      if (grade.success) successes++;
    }
    out[task] = {
      agent: agent.name,
      mean: round4(sum / episodes),
      episodes,
      success_rate: round4(successes / episodes),
    };
  }
  return out;
}

/** One agent's scores on one task, against the baseline. */
export interface AgentComparison {
  /** Wire score of its latest finished episode. */
  latest: number;
  /** Mean wire score. */
  mean: number;
  /** Finished episodes. */
  episodes: number;
  /** Share reaching the success threshold. */
  success_rate: number;
  /** `mean - baseline.mean`. */
  vs_baseline: number;
  /** `mean / baseline.mean`. */
  ratio_to_baseline: number;
}

/** The comparison table: per task, the baseline and every agent seen. */
export function compareToBaseline(
  metrics: Metrics,
  baseline: Record<string, BaselineScore>,
): Record<string, { baseline: BaselineScore; agents: Record<string, AgentComparison> }> {
  const out: Record<string, { baseline: BaselineScore; agents: Record<string, AgentComparison> }> =
    {};
  for (const task of TASK_IDS) {
    const agents: Record<string, AgentComparison> = {};
    const b = baseline[task];
    for (const [agent, s] of metrics.scores.get(task) ?? []) {
      const mean = s.sum / s.episodes;
      agents[agent] = {
        latest: s.latest,
        mean: round4(mean),
        episodes: s.episodes,
        success_rate: round4(s.successes / s.episodes),
        vs_baseline: round4(mean - b.mean),
        ratio_to_baseline: round4(mean / b.mean),
      };
    }
    out[task] = { baseline: b, agents };
  }
  return out;
}
