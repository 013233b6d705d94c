/**
 * alert-triage: a reinforcement-learning environment for IT alert triage and incident
 * response. Agents see a noisy stream of alerts and must INVESTIGATE, IGNORE, ESCALATE or DELAY
 * each one under a per-tick investigation budget, while hidden correlations turn neglected
 * critical alerts into cascading failures.
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
export { REWARD_MEANINGS, REWARD_TABLE } from "./src/rewards.ts";
export { issuePath, JSON_SCHEMAS, parseAction } from "./src/schemas.ts";
export * from "./src/errors.ts";
export { assertSeed, MAX_SEED, Rng } from "./src/rng.ts";
export {
  AlertTriageEnv,
  type EnvOptions,
  type ResetOptions,
  type ResetResult,
  type StepInfo,
  type StepResult,
} from "./src/env.ts";
export {
  DEFAULT_WORLD,
  MAX_ARRIVALS_PER_TICK,
  type ReplayAlert,
  type WorldConfig,
} from "./src/sim/world_config.ts";
export {
  type AlertStreamSource as AlertSource,
  bucketIntoTicks,
  type BucketOptions,
  replayWorld,
  type TimedAlert,
} from "./src/sim/replay_world.ts";
export { World } from "./src/sim/world.ts";
export {
  dependentsOf,
  pickServices,
  SERVICE_CATALOG,
  type ServiceSpec,
} from "./src/sim/services.ts";
export { alertId, alertIndex } from "./src/sim/truth.ts";
export type { Agent, AgentContext } from "./src/agents/agent.ts";
export { RandomAgent } from "./src/agents/random.ts";
export {
  DEFAULT_RULE_THRESHOLDS,
  RuleBasedAgent,
  type RuleThresholds,
} from "./src/agents/rule_based.ts";
export { OracleAgent } from "./src/agents/oracle.ts";
export { ConstantAgent } from "./src/agents/constant.ts";
export {
  type Difficulty,
  type EpisodeOutcome,
  type GradeResult,
  type Task,
  type TaskInfo,
  toWireScore,
} from "./tasks/task.ts";
export { easy, EASY_THRESHOLD, gradeEasy } from "./tasks/easy.ts";
export { gradeMedium, medium, MEDIUM_THRESHOLD } from "./tasks/medium.ts";
export { gradeHard, hard, HARD_THRESHOLD } from "./tasks/hard.ts";
export {
  episodeOutcome,
  getTask,
  gradeEpisode,
  listTasks,
  makeEnv,
  SUCCESS_THRESHOLDS,
  TASK_IDS,
  TASKS,
  UnknownTaskError,
} from "./tasks/registry.ts";
export {
  AGENT_NAMES,
  AgentUnavailableError,
  BASELINE_AGENTS,
  createAgent,
  ppoPolicyUrl,
  UnknownAgentError,
} from "./src/eval/agent_registry.ts";
export {
  CI_LEVEL,
  DEFAULT_SEEDS,
  EVAL_SEED_START,
  type EvalProgress,
  type EvalResult,
  evalSeeds,
  type EvalSummary,
  evaluate,
  type EvaluateOptions,
  summarize,
} from "./src/eval/evaluate.ts";
export {
  EpisodeError,
  type EpisodeRun,
  type EpisodeSummary,
  runEpisode,
  type RunEpisodeOptions,
} from "./src/eval/episode.ts";
export {
  type EpisodeRecording,
  parseRecording,
  parseRecordings,
  type RecordedOutcome,
  type RecordedStep,
  RECORDING_FORMAT,
  RecordingFormatError,
  serializeRecording,
} from "./src/eval/recording.ts";
export { regradeRecording, type RegradeResult } from "./src/eval/regrade.ts";
export {
  EPISODE_COLUMNS,
  episodesCsv,
  pivotMarkdown,
  reportMarkdown,
  resultJson,
  SUMMARY_COLUMNS,
  summaryCsv,
  summaryMarkdown,
} from "./src/eval/report.ts";
export {
  type MeanInterval,
  meanInterval,
  type ProportionInterval,
  studentTQuantile,
  wilsonInterval,
} from "./src/eval/stats.ts";
export { loadPpoAgent, PpoAgent } from "./src/agents/ppo.ts";
export { TRAIN_SEED_LIMIT, VectorEnv, type VectorEnvOptions } from "./src/learn/vector_env.ts";
export {
  type EncodingConfig,
  FeatureEncoder,
  fillFromObservation,
  GLOBAL_FEATURES,
  NUM_ACTIONS,
  RawQueue,
  SLOT_FEATURES,
} from "./src/learn/features.ts";
export { DEFAULT_POLICY_SPEC, type PolicySpec, SlotPolicy } from "./src/learn/policy.ts";
export { type Activation, Mlp, type MlpOptions } from "./src/learn/mlp.ts";
export { Adam, type AdamOptions, clipGradNorm } from "./src/learn/adam.ts";
export {
  DEFAULT_PPO,
  type LossSums,
  minibatchLoss,
  type PpoConfig,
  type PpoStats,
  ppoUpdate,
} from "./src/learn/ppo_update.ts";
export {
  DEFAULT_TRAIN,
  train,
  type TrainConfig,
  type TrainResult,
  type UpdateReport,
} from "./src/learn/trainer.ts";
export { EVAL_SEED_BASE, evaluatePolicy, heldOutSeeds } from "./src/learn/evaluate_policy.ts";
export {
  POLICY_FORMAT,
  type PolicyFile,
  policyFromFile,
  policyToFile,
} from "./src/learn/policy_file.ts";
export { GraderShaping, type ShapingTable, shapingTable } from "./src/learn/reward_shaping.ts";
export { RolloutBuffer } from "./src/learn/rollout.ts";
export { CreditTracker } from "./src/learn/credit.ts";
export { actBatch } from "./src/learn/act.ts";
export { maskedSlot, selectSlots, type SlotStats } from "./src/learn/categorical.ts";
export {
  type Displayable,
  type EpisodeView,
  JUPYTER_DISPLAY,
  type MimeBundle,
  showEpisode,
  showGrade,
  showObservation,
  showReward,
  showTable,
  type ShowTableOptions,
  showTruth,
  type StepView,
} from "./src/display.ts";
