/**
 * Scores any {@link Agent} on a list of seeds through the reference environment of a task: one
 * full episode per seed, graded by the task's grader. The slow, exact counterpart of the
 * vectorised `evaluatePolicy` (`src/learn/evaluate_policy.ts`), used to score a saved policy
 * through the agent interface.
 *
 * @example
 * ```ts
 * import { RuleBasedAgent } from "../agents/rule_based.ts";
 * import { scoreAgent } from "./score_agent.ts";
 * const scores = await scoreAgent(new RuleBasedAgent(), "easy", [1, 2, 3]);
 * console.log(scores.length); // 3
 * ```
 *
 * @module
 */
import type { Agent } from "../agents/agent.ts";
import { gradeEpisode, makeEnv } from "../../tasks/registry.ts";

/** Plays `agent` on `seeds` through the reference environment; returns the grader scores. */
export async function scoreAgent(
  agent: Agent,
  taskId: string,
  seeds: readonly number[],
): Promise<number[]> {
  const env = makeEnv(taskId);
  const scores: number[] = [];
  for (const seed of seeds) {
    agent.reset?.(seed);
    let { observation } = env.reset({ seed });
    for (;;) {
      const r = env.step(await agent.act(observation, env));
      observation = r.observation;
      if (r.terminated || r.truncated) break;
    }
    scores.push(gradeEpisode(env).score);
  }
  return scores;
}
