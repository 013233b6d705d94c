/**
 * alert-triage: a reinforcement-learning environment for IT alert triage and incident
 * response. Agents see a noisy stream of alerts and must INVESTIGATE, IGNORE, ESCALATE or DELAY
 * each one under a per-tick investigation budget, while hidden correlations turn neglected
 * critical alerts into cascading failures.
 *
 * This is the core door: the data model and its schemas, errors, the reward table, the
 * environment, the tasks and their graders, and the reference agents. Subsystems have their own
 * doors: `./learn` (training), `./eval` (evaluation, recordings, reports), `./server` (the
 * OpenEnv HTTP app), `./ingest` (real alerts) and `./notebook` (display helpers and plots).
 *
 * @example
 * ```ts
 * import { gradeEpisode, makeEnv, RuleBasedAgent } from "./mod.ts";
 *
 * const env = makeEnv("medium");
 * const agent = new RuleBasedAgent();
 * let { observation } = env.reset({ seed: 42 });
 * for (;;) {
 *   const step = env.step(agent.act(observation));
 *   observation = step.observation;
 *   if (step.terminated || step.truncated) break;
 * }
 * console.log(gradeEpisode(env).score);
 * ```
 *
 * @module
 */
export * from "./src/models.ts";
export * from "./src/errors.ts";
export { REWARD_TABLE } from "./src/rewards.ts";
export { JSON_SCHEMAS, parseAction } from "./src/schemas.ts";
export {
  AlertTriageEnv,
  type EnvOptions,
  type ResetOptions,
  type ResetResult,
  type StepInfo,
  type StepResult,
} from "./src/env.ts";
export type { WorldConfig } from "./src/sim/world_config.ts";
export type { ServiceSpec } from "./src/sim/services.ts";
export { World } from "./src/sim/world.ts";
export {
  type Difficulty,
  type EpisodeOutcome,
  type GradeResult,
  type Task,
  type TaskInfo,
} from "./tasks/task.ts";
export { easy, isCorrect } from "./tasks/easy.ts";
export { medium } from "./tasks/medium.ts";
export { hard } from "./tasks/hard.ts";
export {
  episodeOutcome,
  getTask,
  gradeEpisode,
  listTasks,
  makeEnv,
  registerTask,
  TASK_IDS,
  UnknownTaskError,
} from "./tasks/registry.ts";
export { type Agent, type AgentContext, agentContext } from "./src/agents/agent.ts";
export { RandomAgent } from "./src/agents/random.ts";
export { RuleBasedAgent, type RuleThresholds } from "./src/agents/rule_based.ts";
export { OracleAgent } from "./src/agents/oracle.ts";
export { ConstantAgent } from "./src/agents/constant.ts";
export { PROBE_NAMES, ProbeAgent, type ProbeName } from "./src/agents/probes.ts";
export { LinearAgent, type LinearParams } from "./src/agents/linear.ts";
export { loadTunedBaseline, type TunedBaselineName } from "./src/agents/tuned.ts";
export { loadPpoAgent, PpoAgent } from "./src/agents/ppo.ts";
