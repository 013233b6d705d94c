/**
 * Throughput measurement: steps per second of one task's environment under a seeded random
 * policy, through either the typed fast path (`env.stepCodes`) or the object API
 * (`env.step({decisions})`). Shared by `bench/env_bench.ts` and `bench/cartpole_compare.ts`.
 *
 * Like Gymnasium's `benchmark_step`, the measured loop includes choosing the random action and
 * resetting the environment when an episode ends (each reset takes the next seed).
 *
 * @example
 * ```ts
 * import { measureStepsPerSecond } from "./throughput.ts";
 * const r = measureStepsPerSecond("hard", "codes", { durationMs: 200 });
 * console.log(`${Math.round(r.steps_per_second)} steps/s`);
 * ```
 *
 * @module
 */
import process from "node:process";
import { type Action, ACTION_TYPES, type Decision } from "../models.ts";
import type { AlertTriageEnv } from "../env.ts";
import { Rng } from "../rng.ts";
import { makeEnv } from "../../tasks/registry.ts";
import { alertId } from "../sim/truth.ts";

/** Which environment API the random policy drives. */
export type StepApi = "fast" | "codes" | "object";

/** Options of {@link measureStepsPerSecond}. */
export interface ThroughputOptions {
  /** Wall-clock time to measure for, in milliseconds (default 2000). */
  durationMs?: number;
  /** Steps run before timing starts, to let the JIT settle (default 20,000). */
  warmupSteps?: number;
  /** First episode seed (default 1); later episodes take the following seeds. */
  seed?: number;
}

/** Result of {@link measureStepsPerSecond}. */
export interface ThroughputResult {
  /** Task id. */
  task: string;
  /** API measured. */
  api: StepApi;
  /** Steps timed. */
  steps: number;
  /** Episodes completed while timing. */
  episodes: number;
  /** Wall-clock seconds timed. */
  seconds: number;
  /** CPU seconds (user + system) the process used meanwhile. */
  cpu_seconds: number;
  /** Steps per wall-clock second. */
  steps_per_second: number;
  /** Steps per CPU second: the single-core rate with other processes' contention removed. */
  steps_per_cpu_second: number;
}

/**
 * A seeded random policy over decision codes that respects the investigation budget: one
 * uniformly random code (0..3) per queued alert, INVESTIGATE beyond the budget becoming DELAY.
 * Reuses one buffer; the returned view is valid until the next call.
 *
 * @example
 * ```ts
 * import { RandomCodes } from "./throughput.ts";
 * import { makeEnv } from "../../tasks/registry.ts";
 * const env = makeEnv("easy");
 * env.reset({ seed: 1 });
 * const policy = new RandomCodes(env.world.config.maxQueue, 7);
 * env.stepCodes(policy.next(env.world.queueLength, env.world.budget));
 * ```
 */
export class RandomCodes {
  readonly #buffer: Int8Array;
  /** One view of the buffer per queue length, made once (`subarray` allocates). */
  readonly #views: Int8Array[] = [];
  readonly #rng: Rng;

  /** Creates the policy for queues of at most `maxQueue` alerts. */
  constructor(maxQueue: number, seed: number) {
    this.#buffer = new Int8Array(maxQueue);
    this.#rng = new Rng(seed);
  }

  /** Random codes for `queueLength` alerts with `budget` investigations allowed. */
  next(queueLength: number, budget: number): Int8Array {
    const out = this.#views[queueLength] ??= this.#buffer.subarray(0, queueLength);
    let left = budget;
    for (let i = 0; i < queueLength; i++) {
      // The top two bits: exactly `rng.int(4)` (floor(x / 2^32 x 4) = x >>> 30), same draws.
      let c = this.#rng.uint32() >>> 30;
      if (c === 0 && left-- <= 0) c = 3;
      out[i] = c;
    }
    return out;
  }
}

/** Turns codes into the object action for the alerts queued in `env` (observation order). */
export function codesToAction(env: AlertTriageEnv, codes: ArrayLike<number>): Action {
  const w = env.world;
  const decisions: Decision[] = new Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    decisions[i] = { alert_id: alertId(w.queue[i]), action_type: ACTION_TYPES[codes[i]] };
  }
  return { decisions };
}

/**
 * A stepping function for benchmarks: each call plays one random step of `task` through `api`,
 * resetting with the next seed when an episode ends. Returns the function and a counter of
 * completed episodes.
 *
 * @example
 * ```ts
 * import { randomStepper } from "./throughput.ts";
 * const s = randomStepper("medium", "object", 1);
 * for (let i = 0; i < 100; i++) s.step();
 * console.log(s.episodes());
 * ```
 */
export function randomStepper(
  task: string,
  api: StepApi,
  seed = 1,
): { step: () => void; episodes: () => number } {
  const env = makeEnv(task);
  const policy = new RandomCodes(env.world.config.maxQueue, seed);
  let nextSeed = seed;
  let episodes = 0;
  env.reset({ seed: nextSeed++, options: { episode_id: "bench" } });
  const w = env.world;
  const step = api === "fast"
    ? () => {
      env.stepFast(policy.next(w.queueLength, w.budget));
      if (w.terminated || w.truncated) {
        episodes++;
        env.reset({ seed: nextSeed++, options: { episode_id: "bench" } });
      }
    }
    : api === "codes"
    ? () => {
      const r = env.stepCodes(policy.next(w.queueLength, w.budget));
      if (r.terminated || r.truncated) {
        episodes++;
        env.reset({ seed: nextSeed++, options: { episode_id: "bench" } });
      }
    }
    : () => {
      const r = env.step(codesToAction(env, policy.next(w.queueLength, w.budget)));
      if (r.terminated || r.truncated) {
        episodes++;
        env.reset({ seed: nextSeed++, options: { episode_id: "bench" } });
      }
    };
  return { step, episodes: () => episodes };
}

/**
 * Measures steps per second of `task` through `api` with a seeded random policy, on the
 * calling thread (one core).
 *
 * @example
 * ```ts
 * import { measureStepsPerSecond } from "./throughput.ts";
 * console.log(measureStepsPerSecond("easy", "object", { durationMs: 100 }).steps_per_second);
 * ```
 */
export function measureStepsPerSecond(
  task: string,
  api: StepApi,
  options: ThroughputOptions = {},
): ThroughputResult {
  const duration = options.durationMs ?? 2000;
  const stepper = randomStepper(task, api, options.seed ?? 1);
  for (let i = 0; i < (options.warmupSteps ?? 20_000); i++) stepper.step();
  const episodesBefore = stepper.episodes();
  let steps = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let now = start;
  // Check the clock every 256 steps: reading it costs more than a step.
  while (now - start < duration) {
    for (let i = 0; i < 256; i++) stepper.step();
    steps += 256;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    task,
    api,
    steps,
    episodes: stepper.episodes() - episodesBefore,
    seconds,
    cpu_seconds: cpuSeconds,
    steps_per_second: steps / seconds,
    steps_per_cpu_second: steps / cpuSeconds,
  };
}
