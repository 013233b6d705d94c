/**
 * Playing and grading one replay episode with one of the reference agents (`random`, `rules`,
 * `oracle`), as the `deno task replay` CLI does.
 *
 * @example
 * ```ts
 * import { makeReplayEnv } from "./replay_env.ts";
 * import { makeReplayAgent, playGradedEpisode } from "./run.ts";
 * const env = makeReplayEnv("easy", "synthetic", []);
 * const result = await playGradedEpisode(env, makeReplayAgent("rules", 0), 0);
 * console.log(result.score, result.components);
 * ```
 *
 * @module
 */
import { round4 } from "../numbers.ts";
import type { Agent } from "../agents/agent.ts";
import { OracleAgent } from "../agents/oracle.ts";
import { RandomAgent } from "../agents/random.ts";
import { RuleBasedAgent } from "../agents/rule_based.ts";
import type { AlertTriageEnv } from "../env.ts";
import { REWARD_COMPONENTS, type RewardComponent } from "../models.ts";
import { getTask, gradeEpisode } from "../../tasks/registry.ts";
import { toWireScore } from "../../tasks/task.ts";

/** Agents the replay CLI can run. */
export const REPLAY_AGENTS = ["random", "rules", "oracle"] as const;
/** One of {@link REPLAY_AGENTS}. */
export type ReplayAgentName = typeof REPLAY_AGENTS[number];

/**
 * A reference agent by name (`random` is seeded with `seed`); throws a `RangeError` otherwise.
 *
 * @example
 * ```ts
 * import { makeReplayAgent } from "./run.ts";
 * console.assert(makeReplayAgent("oracle", 0).name === "oracle");
 * ```
 */
export function makeReplayAgent(name: string, seed: number): Agent {
  if (name === "random") return new RandomAgent(seed);
  if (name === "rules") return new RuleBasedAgent();
  if (name === "oracle") return new OracleAgent();
  throw new RangeError(`agent must be one of ${REPLAY_AGENTS.join("|")}, got ${name}`);
}

/** A graded episode. */
export interface GradedEpisode {
  /** Task id. */
  task: string;
  /** Agent name. */
  agent: string;
  /** Episode seed. */
  seed: number;
  /** Grader score in [0, 1]. */
  score: number;
  /** Score as reported over the wire, inside (0, 1). */
  wire_score: number;
  /** Score reached the task's success threshold. */
  success: boolean;
  /** The task's threshold. */
  success_threshold: number;
  /** The grader's breakdown. */
  components: Record<string, number>;
  /** Sum of rewards. */
  return: number;
  /** Episode total of each reward component. */
  reward_components: Record<RewardComponent, number>;
  /** Steps played. */
  steps: number;
  /** Ended by the failure threshold. */
  terminated: boolean;
  /** Alerts of the episode by hidden kind (synthetic and replayed together). */
  alerts_by_kind: Record<string, number>;
}

/**
 * Plays one episode of `agent` from `seed` to its end and grades it with the task's grader.
 *
 * @example
 * ```ts
 * import { makeEnv } from "../../tasks/registry.ts";
 * import { makeReplayAgent, playGradedEpisode } from "./run.ts";
 * const a = await playGradedEpisode(makeEnv("easy"), makeReplayAgent("random", 1), 1);
 * const b = await playGradedEpisode(makeEnv("easy"), makeReplayAgent("random", 1), 1);
 * console.assert(a.score === b.score);
 * ```
 */
export async function playGradedEpisode(
  env: AlertTriageEnv,
  agent: Agent,
  seed: number,
): Promise<GradedEpisode> {
  agent.reset?.(seed);
  let { observation } = env.reset({ seed });
  const rewardComponents = Object.fromEntries(REWARD_COMPONENTS.map((c) => [c, 0])) as Record<
    RewardComponent,
    number
  >;
  let total = 0;
  let steps = 0;
  let terminated = false;
  for (;;) {
    const action = await agent.act(observation, { state: () => env.state() });
    const r = env.step(action);
    steps++;
    total += r.reward.value;
    for (const c of REWARD_COMPONENTS) rewardComponents[c] += r.reward.components[c];
    observation = r.observation;
    terminated = r.terminated;
    if (r.terminated || r.truncated) break;
  }
  const grade = gradeEpisode(env);
  const alertsByKind: Record<string, number> = {};
  for (const a of env.state().truth?.alerts ?? []) {
    alertsByKind[a.kind] = (alertsByKind[a.kind] ?? 0) + 1;
  }
  return {
    task: env.taskId,
    agent: agent.name,
    seed,
    score: grade.score,
    wire_score: toWireScore(grade.score),
    success: grade.success,
    success_threshold: getTask(env.taskId).successThreshold,
    components: grade.components,
    return: round4(total),
    reward_components: Object.fromEntries(
      Object.entries(rewardComponents).map(([k, v]) => [k, round4(v)]),
    ) as Record<RewardComponent, number>,
    steps,
    terminated,
    alerts_by_kind: alertsByKind,
  };
}

/**
 * A graded episode as a short human-readable report.
 *
 * @example
 * ```ts
 * import { formatReport } from "./run.ts";
 * console.log(formatReport({ task: "easy", agent: "rules", seed: 0, score: 0.5, wire_score: 0.5,
 *   success: false, success_threshold: 0.6, components: { recall: 0.5 }, return: 1, steps: 20,
 *   terminated: false, alerts_by_kind: { noise: 3 }, reward_components: {} as never }, "x"));
 * ```
 */
export function formatReport(g: GradedEpisode, from: string): string {
  const rows = (o: Record<string, number>) =>
    Object.entries(o).map(([k, v]) => `  ${k.padEnd(26)} ${v}`).join("\n");
  return [
    `replay ${from}: task=${g.task} agent=${g.agent} seed=${g.seed}`,
    `score ${g.score.toFixed(4)} (wire ${g.wire_score})  success=${g.success ? "yes" : "no"} ` +
    `(threshold ${g.success_threshold})  steps=${g.steps}${g.terminated ? " (terminated)" : ""}`,
    "grade breakdown:",
    rows(g.components),
    `reward ${g.return}, by component:`,
    rows(g.reward_components),
    "alerts by hidden kind:",
    rows(g.alerts_by_kind),
  ].join("\n");
}
