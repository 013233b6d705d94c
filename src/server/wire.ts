/**
 * What an episode looks like on the wire. A {@link Transition} is one reset or step as the
 * server saw it; from it come the OpenEnv result (`{observation, reward, done}`, reward and done
 * lifted to the top level, the observation extended with the step's reward breakdown, its end
 * flags, the last rejected action's error and, at the end of an episode, the task score) and
 * the seed-style result (`{observation, reward, done, info}`).
 *
 * @example
 * ```ts
 * import { makeEnv } from "../../tasks/registry.ts";
 * import { openenvResult, resetTransition } from "./wire.ts";
 * const env = makeEnv("easy");
 * const t = resetTransition(env.reset({ seed: 1 }));
 * console.assert(openenvResult(t).reward === null);
 * ```
 *
 * @module
 */
import { z } from "zod";
import type { ResetResult, StepInfo, StepResult } from "../env.ts";
import type { Observation, RewardComponent } from "../models.ts";
import { ObservationSchema, RewardSchema } from "../schemas.ts";
import { type GradeResult, toWireScore } from "../../tasks/task.ts";

/** One reset or step, with everything any transport reports about it. */
export interface Transition {
  /** The observation after it. */
  observation: Observation;
  /** Step reward; null after a reset. */
  reward: number | null;
  /** Reward per component (zeros after a reset). */
  components: Record<RewardComponent, number>;
  /** Whether the MDP ended. */
  terminated: boolean;
  /** Whether the horizon cut the episode. */
  truncated: boolean;
  /** The environment's diagnostics. */
  info: StepInfo;
  /** Message of the last action rejected since the previous observation, or null. */
  lastActionError: string | null;
  /** The task grader's verdict, when the episode has ended. */
  grade: GradeResult | null;
}

/** The transition of a reset. */
export function resetTransition(result: ResetResult): Transition {
  return {
    observation: result.observation,
    reward: null,
    components: result.info.reward_components,
    terminated: false,
    truncated: false,
    info: result.info,
    lastActionError: null,
    grade: null,
  };
}

/** The transition of a step (`grade` given when the step ended the episode). */
export function stepTransition(
  result: StepResult,
  lastActionError: string | null,
  grade: GradeResult | null,
): Transition {
  return {
    observation: result.observation,
    reward: result.reward.value,
    components: result.reward.components,
    terminated: result.terminated,
    truncated: result.truncated,
    info: result.info,
    lastActionError,
    grade,
  };
}

const baseObservation = ObservationSchema as unknown as z.ZodObject<z.ZodRawShape>;
const componentsSchema = (RewardSchema as unknown as z.ZodObject<z.ZodRawShape>).shape
  .components as z.ZodType;

/** Zod schema of the observation on the OpenEnv wire (what `/schema` reports). */
export const WireObservationSchema: z.ZodType<WireObservation> = baseObservation.extend({
  reward_components: componentsSchema,
  terminated: z.boolean().describe("The MDP ended (damage passed the failure threshold)"),
  truncated: z.boolean().describe("The horizon cut the episode"),
  last_action_error: z.union([z.string(), z.null()]).describe(
    "Why the last action sent since the previous observation was rejected, or null",
  ),
  task_score: z.number().min(0.001).max(0.999).optional().describe(
    "At the end of an episode: the task grader's score, rounded and clamped to [0.001, 0.999]",
  ),
  task_score_breakdown: z.record(z.string(), z.number()).optional().describe(
    "At the end of an episode: the quantities the score is made of",
  ),
  success: z.boolean().optional().describe(
    "At the end of an episode: whether the score reaches the task's success threshold",
  ),
}).strict() as unknown as z.ZodType<WireObservation>;

/** What every wire result adds to a step: the end flags, the last rejection and, at the end,
 * the score. */
export interface StepOutcomeFields {
  /** The MDP ended. */
  terminated: boolean;
  /** The horizon cut the episode. */
  truncated: boolean;
  /** Why the last rejected action was rejected, or null. */
  last_action_error: string | null;
  /** Wire score of the finished episode. */
  task_score?: number;
  /** Grader components of the finished episode. */
  task_score_breakdown?: Record<string, number>;
  /** Whether the finished episode reached the success threshold. */
  success?: boolean;
}

/** The observation on the OpenEnv wire. */
export interface WireObservation extends Observation, StepOutcomeFields {
  /** Reward contributed by each component this step. */
  reward_components: Record<RewardComponent, number>;
}

/** An OpenEnv reset or step response. */
export interface OpenEnvResult {
  /** The observation, without reward and done. */
  observation: WireObservation;
  /** Step reward, null after a reset. */
  reward: number | null;
  /** Whether the episode ended. */
  done: boolean;
}

/** The OpenEnv observation of a transition. */
export function wireObservation(t: Transition): WireObservation {
  const o: WireObservation = {
    ...t.observation,
    reward_components: t.components,
    terminated: t.terminated,
    truncated: t.truncated,
    last_action_error: t.lastActionError,
  };
  if (t.grade) {
    o.task_score = toWireScore(t.grade.score);
    o.task_score_breakdown = t.grade.components;
    o.success = t.grade.success;
  }
  return o;
}

/** The OpenEnv result of a transition. */
export function openenvResult(t: Transition): OpenEnvResult {
  return {
    observation: wireObservation(t),
    reward: t.reward,
    done: t.terminated || t.truncated,
  };
}

/** The `info` of a seed-style result: diagnostics, end flags and, at the end, the score. */
export interface SeedInfo extends StepInfo, StepOutcomeFields {}

/** A seed-style reset or step response (`/env/*`, `/ws/train`). */
export interface SeedResult {
  /** The plain observation. */
  observation: Observation;
  /** Step reward, null after a reset. */
  reward: number | null;
  /** Whether the episode ended. */
  done: boolean;
  /** Everything else. */
  info: SeedInfo;
}

/** The seed-style result of a transition. */
export function seedResult(t: Transition): SeedResult {
  const info: SeedInfo = {
    ...t.info,
    terminated: t.terminated,
    truncated: t.truncated,
    last_action_error: t.lastActionError,
  };
  if (t.grade) {
    info.task_score = toWireScore(t.grade.score);
    info.task_score_breakdown = t.grade.components;
    info.success = t.grade.success;
  }
  return { observation: t.observation, reward: t.reward, done: t.terminated || t.truncated, info };
}
