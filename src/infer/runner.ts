/**
 * Plays episodes for `deno task infer` and prints the OpenEnv evaluation lines: one
 * `[START]`, one `[STEP]` per step, and an `[END]` that is always printed, even when the
 * episode fails with an exception (then `success=false` and the minimum wire score).
 *
 * If the environment refuses an action (it never should: actions are validated first), the step
 * is played with the rule baseline's decision instead and the refusal is printed as the step's
 * `error`.
 *
 * @example
 * ```ts
 * import { runEpisode } from "./runner.ts";
 * import { LocalEpisodeEnv } from "./episode_env.ts";
 * import { RuleBasedAgent } from "../agents/rule_based.ts";
 *
 * const summary = await runEpisode({
 *   env: new LocalEpisodeEnv(),
 *   agent: new RuleBasedAgent(),
 *   taskId: "easy",
 *   seed: 42,
 *   model: "rules",
 *   write: (line) => console.log(line),
 * });
 * console.log(summary.score, summary.success);
 * ```
 *
 * @module
 */
import { type Agent, agentContext } from "../agents/agent.ts";
import { RuleBasedAgent } from "../agents/rule_based.ts";
import type { Action } from "../models.ts";
import { SUCCESS_THRESHOLDS } from "../../tasks/registry.ts";
import { toWireScore } from "../../tasks/task.ts";
import { ActionRejectedError, type EpisodeEnv } from "./episode_env.ts";
import { endLine, ENV_NAME, oneLine, startLine, stepLine } from "./format.ts";

/** Threshold for a remote task this build does not know, when the server sends no verdict. */
export const DEFAULT_SUCCESS_THRESHOLD = 0.5;

/** Options of {@link runEpisode}. */
export interface RunEpisodeOptions {
  /** Where the episode runs. */
  env: EpisodeEnv;
  /** Who decides. */
  agent: Agent;
  /** Task id. */
  taskId: string;
  /** Episode seed. */
  seed: number;
  /** Model name printed in `[START]`. */
  model: string;
  /** Stop after this many steps (the episode is then graded as it stands). */
  maxSteps?: number;
  /** Receives each evaluation line (stdout). */
  write: (line: string) => void;
  /** Receives diagnostics (stderr). */
  log?: (message: string) => void;
}

/** What an episode came to. */
export interface EpisodeSummary {
  /** Task id. */
  task: string;
  /** Seed. */
  seed: number;
  /** Steps played. */
  steps: number;
  /** Per-step rewards. */
  rewards: number[];
  /** Grader score in [0, 1] (0 when unavailable). */
  rawScore: number;
  /** Wire score strictly inside (0, 1), as printed. */
  score: number;
  /** Whether the grader score reached the task's threshold. */
  success: boolean;
  /** Whether the episode reached its natural end. */
  done: boolean;
  /** Steps whose action the environment refused (played with the rule baseline instead). */
  rejected: number;
  /** The exception that cut the episode short, or null. */
  error: string | null;
}

const safeDefault = new RuleBasedAgent();

/** Plays one episode, printing `[START]`, the `[STEP]`s and (always) `[END]`. */
export async function runEpisode(o: RunEpisodeOptions): Promise<EpisodeSummary> {
  const log = o.log ?? ((m: string) => console.error(`[DEBUG] ${m}`));
  const summary: EpisodeSummary = {
    task: o.taskId,
    seed: o.seed,
    steps: 0,
    rewards: [],
    rawScore: 0,
    score: toWireScore(0),
    success: false,
    done: false,
    rejected: 0,
    error: null,
  };
  o.write(startLine(o.taskId, ENV_NAME, o.model));
  try {
    let observation = await o.env.reset(o.taskId, o.seed);
    o.agent.reset?.(o.seed);
    const env = o.env.context();
    const context = agentContext(o.agent, () => env.state());
    const maxSteps = o.maxSteps ?? Infinity;
    while (!summary.done && summary.steps < maxSteps) {
      let action: Action;
      try {
        action = await o.agent.act(observation, context);
      } catch (e) {
        log(`${o.taskId}: agent ${o.agent.name} failed (${message(e)}); rule baseline used`);
        action = safeDefault.act(observation);
      }
      let error: string | null = null;
      let step;
      try {
        step = await o.env.step(action);
      } catch (e) {
        if (!(e instanceof ActionRejectedError)) throw e;
        error = e.message;
        summary.rejected++;
        log(`${o.taskId}: action refused (${e.message}); rule baseline used`);
        action = safeDefault.act(observation);
        step = await o.env.step(action);
      }
      summary.steps++;
      summary.rewards.push(step.reward);
      summary.done = step.done;
      o.write(
        stepLine({ step: summary.steps, action, reward: step.reward, done: step.done, error }),
      );
      observation = step.observation;
    }
    const graded = await o.env.score();
    if (graded === null) {
      log(`${o.taskId}: no task score available (episode ${summary.done ? "ended" : "cut"})`);
    } else {
      const threshold = SUCCESS_THRESHOLDS[o.taskId] ?? DEFAULT_SUCCESS_THRESHOLD;
      summary.rawScore = graded.score;
      summary.score = toWireScore(graded.score);
      // A server's own verdict wins (it judges the exact score, not the rounded wire score).
      summary.success = graded.success ?? graded.score >= threshold;
    }
  } catch (e) {
    summary.error = message(e);
    summary.success = false;
    summary.rawScore = 0;
    summary.score = toWireScore(0);
    log(`${o.taskId}: episode failed: ${summary.error}`);
  } finally {
    o.write(endLine(summary));
  }
  return summary;
}

function message(e: unknown): string {
  return oneLine(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
}
