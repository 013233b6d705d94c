/**
 * What the inference runner needs from an environment, whether it runs in-process
 * ({@link LocalEpisodeEnv}) or on a server (`RemoteEpisodeEnv` in `remote_env.ts`): reset a task
 * with a seed, step, and the grader's score at the end.
 *
 * @example
 * ```ts
 * import { LocalEpisodeEnv } from "./episode_env.ts";
 * const env = new LocalEpisodeEnv();
 * const observation = await env.reset("easy", 42);
 * const { reward, done } = await env.step({ decisions: [] });
 * console.log(observation.queue_length, reward, done, await env.score());
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import type { AgentContext } from "../agents/agent.ts";
import type { AlertTriageEnv } from "../env.ts";
import { InvalidActionError } from "../errors.ts";
import type { Action, Observation } from "../models.ts";
import { gradeEpisode, makeEnv } from "../../tasks/registry.ts";

/** An observation, reward and done flag after one step. */
export interface EpisodeStep {
  /** The observation after the step. */
  observation: Observation;
  /** The step's reward. */
  reward: number;
  /** Whether the episode ended (terminated or truncated). */
  done: boolean;
}

/** The task score at the end of an episode. */
export interface EpisodeScore {
  /** Grader score in [0, 1]. */
  score: number;
  /** Success as the environment reports it, if it does (remote); else judged by the runner. */
  success?: boolean;
}

/** The environment rejected an action; the episode is unchanged. */
export class ActionRejectedError extends AlertTriageError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, "ACTION_REJECTED", "invalid_input");
    this.name = "ActionRejectedError";
  }
}

/** An environment the inference runner can play episodes on. */
export interface EpisodeEnv {
  /** `local` (in-process) or `remote` (a server URL). */
  readonly mode: "local" | "remote";
  /** Starts an episode of `taskId` with `seed`; returns the first observation. */
  reset(taskId: string, seed: number): Promise<Observation>;
  /** Plays one tick; throws {@link ActionRejectedError} if the action is refused. */
  step(action: Action): Promise<EpisodeStep>;
  /** The grader's score of the episode so far, or null when it is not available. */
  score(): Promise<EpisodeScore | null>;
  /** What agents may read besides the observation. */
  context(): AgentContext;
  /** Releases resources. */
  close(): Promise<void>;
}

/** The in-process environment: the tasks of this build, graded with their graders. */
export class LocalEpisodeEnv implements EpisodeEnv {
  /** Always `local`. */
  readonly mode = "local" as const;
  #env: AlertTriageEnv | null = null;

  /** Builds the task's environment and resets it. */
  reset(taskId: string, seed: number): Promise<Observation> {
    if (this.#env?.taskId !== taskId) this.#env = makeEnv(taskId);
    return Promise.resolve(this.#env.reset({ seed }).observation);
  }

  /** Steps the environment; an {@link InvalidActionError} becomes an {@link ActionRejectedError}. */
  step(action: Action): Promise<EpisodeStep> {
    const env = this.#require();
    try {
      const r = env.step(action);
      return Promise.resolve({
        observation: r.observation,
        reward: r.reward.value,
        done: r.terminated || r.truncated,
      });
    } catch (e) {
      if (e instanceof InvalidActionError) throw new ActionRejectedError(e.message);
      throw e;
    }
  }

  /** The task grader's score of the episode played so far (a cut episode is graded as is). */
  score(): Promise<EpisodeScore | null> {
    return Promise.resolve({ score: gradeEpisode(this.#require()).score });
  }

  /** The environment's state, for agents that read it. */
  context(): AgentContext {
    return { state: () => this.#require().state() };
  }

  /** Closes the environment. */
  close(): Promise<void> {
    this.#env?.close();
    return Promise.resolve();
  }

  #require(): AlertTriageEnv {
    if (!this.#env) throw new Error("reset() first");
    return this.#env;
  }
}
