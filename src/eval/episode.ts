/**
 * Plays one episode of one agent on one task and seed, grades it, and (when asked) records it
 * step by step in the {@link EpisodeRecording} format.
 *
 * The agent sees the observation and a context whose `state()` returns the environment state
 * (only the oracle reads it); it never holds the environment itself. `agent.reset(seed)` is
 * called before every episode, and the episode id is `<task>-<seed>-<agent>`, so a run is
 * reproducible from its seed.
 *
 * @example
 * ```ts
 * import { runEpisode } from "./episode.ts";
 * import { RuleBasedAgent } from "../agents/rule_based.ts";
 * import { makeEnv } from "../../tasks/registry.ts";
 * const run = await runEpisode(makeEnv("easy"), new RuleBasedAgent(), 10_000_000);
 * console.log(run.summary.score, run.recording); // recording is undefined unless asked for
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { type Agent, type AgentContext, agentContext } from "../agents/agent.ts";
import type { AlertTriageEnv, StepResult } from "../env.ts";
import { REWARD_COMPONENTS, type RewardComponent } from "../models.ts";
import { episodeOutcome, getTask } from "../../tasks/registry.ts";
import { toWireScore } from "../../tasks/task.ts";
import { type EpisodeRecording, type RecordedStep, RECORDING_FORMAT } from "./recording.ts";

/** The per-episode row of an evaluation. */
export interface EpisodeSummary {
  /** Agent name. */
  agent: string;
  /** Task id. */
  task: string;
  /** Episode seed. */
  seed: number;
  /** Grader score in [0, 1]. */
  score: number;
  /** Score as reported over the wire, inside (0, 1). */
  wire_score: number;
  /** Score reached the task's success threshold. */
  success: boolean;
  /** Sum of rewards. */
  return: number;
  /** Steps played. */
  steps: number;
  /** Ended by the failure threshold. */
  terminated: boolean;
  /** Cut at the horizon. */
  truncated: boolean;
  /** Episode total of each reward component. */
  reward_components: Record<RewardComponent, number>;
  /** The grader's breakdown. */
  grade_components: Record<string, number>;
}

/** What {@link runEpisode} returns. */
export interface EpisodeRun {
  /** The episode's row. */
  summary: EpisodeSummary;
  /** The full recording, when `record` was set. */
  recording?: EpisodeRecording;
}

/** Options of {@link runEpisode}. */
export interface RunEpisodeOptions {
  /** Record every step (observation, action, reward) and the final truth. */
  record?: boolean;
  /** Name to report for the agent (default `agent.name`). */
  agentName?: string;
}

/** An agent's action was rejected, or the agent threw, during an evaluation episode. */
export class EpisodeError extends AlertTriageError {
  /** Agent name. */
  readonly agent: string;
  /** Task id. */
  readonly task: string;
  /** Episode seed. */
  readonly seed: number;
  /** Step at which it happened (0-based). */
  readonly step: number;
  /** Creates the error; the cause is the original error. */
  constructor(agent: string, task: string, seed: number, step: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `agent ${agent} on ${task}, seed ${seed}, step ${step}: ${why}`,
      "EPISODE_FAILED",
      "failed",
      { cause },
    );
    this.name = "EpisodeError";
    this.agent = agent;
    this.task = task;
    this.seed = seed;
    this.step = step;
  }
}

/** A record with every reward component at 0. */
export function zeroComponents(): Record<RewardComponent, number> {
  const out = {} as Record<RewardComponent, number>;
  for (const c of REWARD_COMPONENTS) out[c] = 0;
  return out;
}

/**
 * Plays `agent` on `env` (already built for its task) from `seed` to the end of the episode and
 * grades it with the task's grader.
 */
export async function runEpisode(
  env: AlertTriageEnv,
  agent: Agent,
  seed: number,
  options: RunEpisodeOptions = {},
): Promise<EpisodeRun> {
  const name = options.agentName ?? agent.name;
  const task = env.taskId;
  const record = options.record === true;
  const context: AgentContext = agentContext(agent, () => env.state());
  const totals = zeroComponents();
  const recorded: RecordedStep[] = [];
  let episodeReturn = 0;
  let steps = 0;
  let result: StepResult;
  try {
    agent.reset?.(seed);
    let { observation } = env.reset({ seed, options: { episode_id: `${task}-${seed}-${name}` } });
    for (;;) {
      const seen = record ? structuredClone(observation) : observation;
      const out = agent.act(observation, context);
      const action = out instanceof Promise ? await out : out;
      const recordedAction = record ? structuredClone(action) : action;
      result = env.step(action);
      const reward = result.reward;
      episodeReturn += reward.value;
      for (const c of REWARD_COMPONENTS) totals[c] += reward.components[c];
      if (record) {
        recorded.push({
          observation: seen,
          action: recordedAction,
          reward,
          terminated: result.terminated,
          truncated: result.truncated,
        });
      }
      steps++;
      observation = result.observation;
      if (result.terminated || result.truncated) break;
    }
  } catch (e) {
    throw new EpisodeError(name, task, seed, steps, e);
  }
  const outcome = episodeOutcome(env);
  const grade = getTask(task).grade(outcome);
  const summary: EpisodeSummary = {
    agent: name,
    task,
    seed,
    score: grade.score,
    wire_score: toWireScore(grade.score),
    success: grade.success,
    return: episodeReturn,
    steps,
    terminated: result.terminated,
    truncated: result.truncated,
    reward_components: totals,
    grade_components: grade.components,
  };
  if (!record) return { summary };
  return {
    summary,
    recording: {
      format: RECORDING_FORMAT,
      task,
      seed,
      agent: name,
      steps: recorded,
      final_observation: result.observation,
      outcome: {
        steps: outcome.steps,
        horizon: outcome.horizon,
        terminated: outcome.terminated,
        truncated: result.truncated,
      },
      return: episodeReturn,
      truth: outcome.truth,
      grade,
      wire_score: summary.wire_score,
    },
  };
}
