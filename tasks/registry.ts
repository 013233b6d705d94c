/**
 * The task registry: look tasks up by id, list them, and build an environment for one.
 *
 * @example
 * ```ts
 * import { getTask, makeEnv, TASK_IDS } from "./registry.ts";
 * const env = makeEnv("hard");
 * const { observation } = env.reset({ seed: 0 });
 * console.log(TASK_IDS, getTask("hard").successThreshold, observation.queue_length);
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../src/errors.ts";
import { AlertTriageEnv } from "../src/env.ts";
import { easy } from "./easy.ts";
import { hard } from "./hard.ts";
import { medium } from "./medium.ts";
import {
  type EpisodeOutcome,
  type GradeResult,
  type Task,
  type TaskInfo,
  taskInfo,
} from "./task.ts";

/** All tasks, easiest first. */
export const TASKS: readonly Task[] = [easy, medium, hard];

/** Task identifiers, easiest first. */
export const TASK_IDS: readonly string[] = TASKS.map((t) => t.id);

/** Success threshold per task id. */
export const SUCCESS_THRESHOLDS: Readonly<Record<string, number>> = Object.fromEntries(
  TASKS.map((t) => [t.id, t.successThreshold]),
);

/** Thrown for a task id that does not exist. */
export class UnknownTaskError extends AlertTriageError {
  /** The id asked for. */
  readonly taskId: string;
  /** Creates the error naming the known ids. */
  constructor(taskId: string) {
    super(
      `unknown task ${JSON.stringify(taskId)}; known tasks: ${TASK_IDS.join(", ")}`,
      "UNKNOWN_TASK",
      "not_found",
    );
    this.name = "UnknownTaskError";
    this.taskId = taskId;
  }
}

/** The task with this id; throws {@link UnknownTaskError} if there is none. */
export function getTask(id: string): Task {
  const task = TASKS.find((t) => t.id === id);
  if (!task) throw new UnknownTaskError(id);
  return task;
}

/** The task listing: id, description, difficulty, K, horizon, threshold. */
export function listTasks(): TaskInfo[] {
  return TASKS.map(taskInfo);
}

/** A new environment playing the task with this id. */
export function makeEnv(id: string): AlertTriageEnv {
  const task = getTask(id);
  return new AlertTriageEnv({ world: task.world, taskId: task.id });
}

/** The outcome of the episode an environment has just played, ready for a grader. */
export function episodeOutcome(env: AlertTriageEnv): EpisodeOutcome {
  const state = env.state();
  if (!state.truth) throw new Error("No episode has been played; call reset() first");
  return {
    truth: state.truth,
    steps: state.step_count,
    horizon: env.world.config.horizon,
    terminated: env.world.terminated,
  };
}

/** Grades the episode an environment has just played with its task's grader. */
export function gradeEpisode(env: AlertTriageEnv): GradeResult {
  return getTask(env.taskId).grade(episodeOutcome(env));
}
