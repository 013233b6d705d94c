/**
 * The evaluation door (`@alert-triage/alert-triage/eval`): play agents on the tasks over many
 * seeds, summarise with confidence intervals, record episodes and re-grade recordings, and write
 * the reports; plus the agent registry that builds an agent by name.
 *
 * @example
 * ```ts
 * import { createAgent, evaluate, summaryMarkdown } from "./mod.ts";
 *
 * const result = await evaluate({ agents: ["rules", "random"], tasks: ["easy"], seeds: [0, 1] });
 * console.log(summaryMarkdown(result));
 * console.log((await createAgent("oracle", "easy")).name);
 * ```
 *
 * @module
 */
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
} from "./evaluate.ts";
export {
  EpisodeError,
  type EpisodeRun,
  type EpisodeSummary,
  runEpisode,
  type RunEpisodeOptions,
} from "./episode.ts";
export {
  type EpisodeRecording,
  parseRecording,
  parseRecordings,
  type RecordedOutcome,
  type RecordedStep,
  RECORDING_FORMAT,
  RecordingFormatError,
  serializeRecording,
} from "./recording.ts";
export { regradeRecording, type RegradeResult } from "./regrade.ts";
export {
  EPISODE_COLUMNS,
  episodesCsv,
  pivotMarkdown,
  reportMarkdown,
  resultJson,
  SUMMARY_COLUMNS,
  summaryCsv,
  summaryMarkdown,
} from "./report.ts";
export {
  type MeanInterval,
  meanInterval,
  type ProportionInterval,
  studentTQuantile,
  wilsonInterval,
} from "./stats.ts";
export {
  AGENT_NAMES,
  AgentUnavailableError,
  BASELINE_AGENTS,
  createAgent,
  ppoPolicyUrl,
  UnknownAgentError,
} from "./agent_registry.ts";
