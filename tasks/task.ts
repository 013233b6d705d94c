/**
 * What a task is: a world configuration, a success threshold and a grader that turns a finished
 * episode into a score in [0, 1] with a per-component breakdown. Graders are pure functions of
 * the recorded episode ({@link EpisodeOutcome}), so a recording can be re-graded at any time.
 *
 * @example
 * ```ts
 * import { toWireScore } from "./task.ts";
 * console.assert(toWireScore(1) === 0.999 && toWireScore(0) === 0.001);
 * ```
 *
 * @module
 */
import type { Truth } from "../src/models.ts";
import { clamp01 } from "../src/numbers.ts";
import type { WorldConfig } from "../src/sim/world_config.ts";

/** A finished (or cut) episode, as graders see it. */
export interface EpisodeOutcome {
  /** The hidden truth at the end of the episode (from `env.state().truth`). */
  truth: Truth;
  /** Steps played. */
  steps: number;
  /** The task's horizon. */
  horizon: number;
  /** Whether the episode ended by passing the failure threshold. */
  terminated: boolean;
}

/** A grader's verdict. */
export interface GradeResult {
  /** Score in [0, 1]. */
  score: number;
  /** The quantities the score is made of. */
  components: Record<string, number>;
  /** Whether the score reaches the task's success threshold. */
  success: boolean;
}

/** Difficulty label of a task. */
export type Difficulty = "easy" | "medium" | "hard";

/** A benchmark task. */
export interface Task {
  /** Identifier (`easy`, `medium`, `hard`). */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** What the agent must learn. */
  readonly description: string;
  /** Difficulty label. */
  readonly difficulty: Difficulty;
  /**
   * Version of the task's definition (world and grader); bumped whenever scores of the same
   * policy would change, so that published numbers name the version they were measured on.
   */
  readonly version: number;
  /** Score needed for success. */
  readonly successThreshold: number;
  /** The world the task simulates. */
  readonly world: WorldConfig;
  /** Scores a finished episode. */
  grade(outcome: EpisodeOutcome): GradeResult;
  /** How the task is scored, in a sentence an agent can act on (told to the LLM agent). */
  readonly scoringHint: string;
  /**
   * Weights of the grader-aligned training reward (`src/learn/reward_shaping.ts`); a task
   * without them trains on the terminal score only.
   */
  readonly shaping?: ShapingTable;
  /** Default environment steps of `deno task train` for this task (see BENCHMARKS.md). */
  readonly trainingSteps?: number;
}

/**
 * Per-event weights of a dense reward that approximates a task's grader (before scaling). It
 * reads the hidden truth, so it is a training-signal ablation, not something a player gets.
 */
export interface ShapingTable {
  /** Counted critical alert handled correctly (investigated, or escalated and resolved). */
  criticalCorrect: number;
  /** Counted non-critical alert handled correctly (noise ignored; others left alone/ignored). */
  otherCorrect: number;
  /** INVESTIGATE decision on a non-critical alert. */
  wasteInvestigate: number;
  /** ESCALATE decision on a non-critical alert. */
  wasteEscalate: number;
  /** Incident resolved, times its value. */
  resolved: number;
  /** Incident failed, times its value. */
  failed: number;
  /** What an incident is worth: 1, its true severity, or the `hard` weight (1 + cascades). */
  incidentValue: "one" | "severity" | "weight";
  /** Per unit of damage. */
  damage: number;
}

/** A shaping table with every weight zero (terminal score only). */
export const NO_SHAPING: ShapingTable = {
  criticalCorrect: 0,
  otherCorrect: 0,
  wasteInvestigate: 0,
  wasteEscalate: 0,
  resolved: 0,
  failed: 0,
  incidentValue: "one",
  damage: 0,
};

/** Row of the task listing. */
export interface TaskInfo {
  /** Identifier. */
  id: string;
  /** Display name. */
  name: string;
  /** What the agent must learn. */
  description: string;
  /** Difficulty label. */
  difficulty: Difficulty;
  /** Version of the task's definition. */
  version: number;
  /** INVESTIGATE decisions allowed per tick. */
  k: number;
  /** Ticks per episode. */
  horizon: number;
  /** Score needed for success. */
  success_threshold: number;
}

/** The listing row of a task. */
export function taskInfo(task: Task): TaskInfo {
  return {
    id: task.id,
    name: task.name,
    description: task.description,
    difficulty: task.difficulty,
    version: task.version,
    k: task.world.k,
    horizon: task.world.horizon,
    success_threshold: task.successThreshold,
  };
}

/**
 * A score as reported over the wire: rounded to 3 decimals and clamped to [0.001, 0.999], since
 * OpenEnv evaluators reject exactly 0 and 1. Graders themselves return the exact value.
 */
export function toWireScore(score: number): number {
  const s = Math.round(score * 1000) / 1000;
  return Math.min(0.999, Math.max(0.001, s));
}

/**
 * Share of the horizon the estate survived: 1 for an episode that ran to the horizon, t/T for one
 * that terminated at tick t. Every grader multiplies by it, so collapsing the system early never
 * pays.
 */
export function survival(outcome: EpisodeOutcome): number {
  return outcome.terminated ? clamp01(outcome.steps / outcome.horizon) : 1;
}

/**
 * The incidents a grader counts: every incident that ended (resolved or failed), and, if the
 * episode terminated, those still active. Incidents still active when the horizon cut the
 * episode are left out: the agent had no chance to finish them.
 */
export function countedIncidents(outcome: EpisodeOutcome): Truth["incidents"] {
  return outcome.truth.incidents.filter((i) => i.status !== "active" || outcome.terminated);
}
