/**
 * The task registry: look tasks up by id, list them, and build an environment for one.
 *
 * A new task is one file, `tasks/<id>.ts` exporting a {@link Task}, plus one entry in the
 * {@link TASKS} list below. A task defined outside this repository (a plugin, a test) is added at
 * run time with {@link registerTask}, which every lookup (the server's `/reset`, `/tasks`,
 * evaluation, replay) sees from then on.
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

/** The built-in tasks, easiest first: add a new task's line here. */
const BUILT_IN: readonly Task[] = [easy, medium, hard];

const tasks: Task[] = [...BUILT_IN];
const taskIds: string[] = tasks.map((t) => t.id);
const thresholds: Record<string, number> = Object.fromEntries(
  tasks.map((t) => [t.id, t.successThreshold]),
);

/**
 * Ids of the tasks built into this module (not those added with {@link registerTask}): what a
 * fresh copy of the registry, e.g. in a Worker, knows.
 */
export const BUILT_IN_TASK_IDS: readonly string[] = BUILT_IN.map((t) => t.id);

/** All tasks, easiest first (then any added with {@link registerTask}, in order). */
export const TASKS: readonly Task[] = tasks;

/** Task identifiers, in the order of {@link TASKS}. */
export const TASK_IDS: readonly string[] = taskIds;

/** Success threshold per task id. */
export const SUCCESS_THRESHOLDS: Readonly<Record<string, number>> = thresholds;

/**
 * Adds a task at run time, after the built-in ones: from then on {@link getTask},
 * {@link makeEnv}, {@link TASKS}, {@link TASK_IDS}, {@link SUCCESS_THRESHOLDS} and everything
 * built on them (the server, evaluation, replay) know it. Throws an `Error` if the id is taken.
 * Returns a function that removes the task again (for tests).
 *
 * @example
 * ```ts
 * import { easy } from "./easy.ts";
 * import { makeEnv, registerTask } from "./registry.ts";
 * const unregister = registerTask({ ...easy, id: "easy-short", world: { ...easy.world, horizon: 5 } });
 * console.assert(makeEnv("easy-short").world.config.horizon === 5);
 * unregister();
 * ```
 */
export function registerTask(task: Task): () => void {
  if (taskIds.includes(task.id)) {
    throw new Error(`task ${JSON.stringify(task.id)} is already registered`);
  }
  tasks.push(task);
  taskIds.push(task.id);
  thresholds[task.id] = task.successThreshold;
  return () => {
    const i = tasks.indexOf(task);
    if (i < 0) return;
    tasks.splice(i, 1);
    taskIds.splice(i, 1);
    delete thresholds[task.id];
  };
}

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
