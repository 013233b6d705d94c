/**
 * N worlds of one task stepped together on decision codes, with Gymnasium autoreset and episode
 * statistics, and nothing else: no feature encoding, no shaping. It is the engine behind the
 * vectorised wire protocol (`/ws/vector`, see `vector_wire.ts`), where the client encodes the
 * observations itself. Episode seeds come from the same stream as {@link VectorEnv}'s (a
 * `Rng(seed)` drawing `int(seedLimit)` per reset, in environment order), so a batch and a
 * `VectorEnv` with the same options play the same episodes on the same actions.
 *
 * Autoreset modes (Gymnasium 1.x):
 * - `NextStep`: the step that ends an episode returns its last observation with
 *   `terminations`/`truncations` set; the next `step` resets that environment (its action is
 *   ignored, reward 0, both flags 0).
 * - `SameStep`: the ending step resets at once; the returned observation is the new episode's
 *   first one and the ended episode's last observation is read before the reset (see
 *   {@link WorldBatch.step}'s `beforeReset`).
 *
 * @example
 * ```ts
 * import { WorldBatch } from "./world_batch.ts";
 * import { hard } from "../../tasks/hard.ts";
 * const batch = new WorldBatch({ task: hard, numEnvs: 4, seed: 0, autoreset: "NextStep" });
 * batch.reset();
 * batch.step(new Int8Array(4 * batch.slots).fill(1)); // ignore everything
 * console.log(batch.rewards[0], batch.terminations[0], batch.seeds[0]);
 * ```
 *
 * @module
 */
import { Rng } from "../rng.ts";
import { World } from "../sim/world.ts";
import { BatchArrays } from "./batch_arrays.ts";
import { episodeScorer } from "./episode_score.ts";
import type { Task } from "../../tasks/task.ts";

/** Gymnasium 1.x autoreset modes served over the wire. */
export type AutoresetMode = "NextStep" | "SameStep";

/** Options of {@link WorldBatch}. */
export interface WorldBatchOptions {
  /** The task played by every environment. */
  task: Task;
  /** Number of environments. */
  numEnvs: number;
  /** Seed of the stream of episode seeds (default 0). */
  seed?: number;
  /** Episode seeds are drawn uniformly from [0, seedLimit) (default 1,000,000). */
  seedLimit?: number;
  /** Autoreset mode (default `NextStep`, Gymnasium's default). */
  autoreset?: AutoresetMode;
  /**
   * Where the episode seed of environment `env` comes from at each of its resets (default: the
   * batch's own stream of `seed` and `seedLimit`). A shard of a larger batch takes the seeds
   * its coordinator drew from the one stream of the whole batch (see `vector_shard.ts`).
   */
  nextSeed?: (env: number) => number;
}

/** N worlds of one task on decision codes (see the module doc). */
export class WorldBatch extends BatchArrays {
  /** The task. */
  readonly task: Task;
  /** The autoreset mode. */
  readonly autoreset: AutoresetMode;
  /** The worlds (read-only use). */
  readonly worlds: World[];
  /** Environment reward of the last step. */
  readonly rewards: Float64Array;
  readonly #running: Float64Array;
  readonly #lengths: Int32Array;
  readonly #pending: Uint8Array;
  readonly #views: Int8Array[];
  readonly #actions: Int8Array;
  readonly #seedLimit: number;
  readonly #score: (world: World) => number;
  readonly #nextSeed: ((env: number) => number) | undefined;
  #seeder: Rng;

  /** Builds the worlds. */
  constructor(options: WorldBatchOptions) {
    const n = options.numEnvs;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`numEnvs must be >= 1, got ${n}`);
    super(n, options.task.world.maxQueue);
    this.task = options.task;
    this.autoreset = options.autoreset ?? "NextStep";
    this.worlds = Array.from({ length: n }, () => new World(options.task.world));
    this.rewards = new Float64Array(n);
    this.#running = new Float64Array(n);
    this.#lengths = new Int32Array(n);
    this.#pending = new Uint8Array(n);
    this.#actions = new Int8Array(n * this.slots);
    this.#views = this.worlds.map((_, i) =>
      this.#actions.subarray(i * this.slots, (i + 1) * this.slots)
    );
    this.#seedLimit = options.seedLimit ?? 1_000_000;
    this.#score = episodeScorer(options.task);
    this.#seeder = new Rng(options.seed ?? 0);
    this.#nextSeed = options.nextSeed;
  }

  /** Resets every environment; `seed` restarts the stream of episode seeds first. */
  reset(seed?: number): void {
    if (seed !== undefined) this.#seeder = new Rng(seed);
    for (let i = 0; i < this.numEnvs; i++) this.#resetOne(i);
    this.rewards.fill(0);
    this.terminations.fill(0);
    this.truncations.fill(0);
    this.episodeDone.fill(0);
    this.#pending.fill(0);
  }

  /**
   * Applies `actions` (`numEnvs x slots` codes 0..3 in queue order; codes past an environment's
   * queue are ignored, INVESTIGATEs beyond the budget become DELAY). In `SameStep` mode
   * `beforeReset(i)` is called for each environment whose episode just ended, before it is reset
   * (to read its last observation).
   */
  step(actions: ArrayLike<number>, beforeReset?: (env: number) => void): void {
    this.#actions.set(actions);
    for (let i = 0; i < this.numEnvs; i++) {
      this.episodeDone[i] = 0;
      if (this.#pending[i]) {
        this.#pending[i] = 0;
        this.#resetOne(i);
        this.rewards[i] = 0;
        this.terminations[i] = 0;
        this.truncations[i] = 0;
        continue;
      }
      const w = this.worlds[i];
      w.step(this.#views[i]);
      const r = w.lastReward();
      this.rewards[i] = r;
      this.#running[i] += r;
      this.#lengths[i]++;
      this.terminations[i] = w.terminated ? 1 : 0;
      this.truncations[i] = w.truncated ? 1 : 0;
      if (!w.terminated && !w.truncated) continue;
      this.episodeDone[i] = 1;
      this.episodeReturn[i] = this.#running[i];
      this.episodeLength[i] = this.#lengths[i];
      this.episodeSeed[i] = this.seeds[i];
      this.episodeScore[i] = this.#score(w);
      this.#pending[i] = 1;
    }
    if (this.autoreset === "SameStep") this.resetEnded(beforeReset);
  }

  /**
   * Resets now, in environment order, the environments whose episode ended at the last step and
   * wait for their reset (`NextStep` resets them at the next step), calling `beforeReset(i)`
   * before each; the step's rewards and flags stay. `SameStep` is a step followed by this.
   */
  resetEnded(beforeReset?: (env: number) => void): void {
    for (let i = 0; i < this.numEnvs; i++) {
      if (!this.#pending[i]) continue;
      this.#pending[i] = 0;
      beforeReset?.(i);
      this.#resetOne(i);
    }
  }

  #resetOne(i: number): void {
    const seed = this.#nextSeed ? this.#nextSeed(i) : this.#seeder.int(this.#seedLimit);
    this.seeds[i] = seed;
    this.worlds[i].reset(seed);
    this.#running[i] = 0;
    this.#lengths[i] = 0;
  }
}
