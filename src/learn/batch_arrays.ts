/**
 * The typed arrays every batch of environments shares, in one place: {@link BatchArrays} (the
 * step's end flags and the statistics of the episodes that just ended; `WorldBatch`, the engine
 * of `/ws/vector`, has these) and {@link FeatureBatchArrays} (those plus the policy's feature
 * observations, rewards and `SameStep` final observations; the in-process `VectorEnv` and the
 * `/ws/vector` client `RemoteVectorEnv` have these, filled the same way, so that one training
 * loop reads either).
 *
 * @example
 * ```ts
 * import { FeatureBatchArrays } from "./batch_arrays.ts";
 * const arrays = new FeatureBatchArrays(4, 32);
 * console.assert(arrays.slotValid.length === 4 * 32 && Number.isNaN(arrays.episodeScore[0]));
 * ```
 *
 * @module
 */
import { GLOBAL_FEATURES, NUM_ACTIONS, SLOT_FEATURES } from "./features.ts";

/** End flags and the statistics of the episodes that ended at the last step, per environment. */
export class BatchArrays {
  /** Number of environments. */
  readonly numEnvs: number;
  /** Alert slots per environment (the queue capacity). */
  readonly slots: number;
  /** 1 where the last step terminated the episode (damage threshold). */
  readonly terminations: Uint8Array;
  /** 1 where the last step truncated the episode (horizon). */
  readonly truncations: Uint8Array;
  /** 1 where an episode ended at the last step (its statistics are below). */
  readonly episodeDone: Uint8Array;
  /** Environment-reward return of the episode that just ended. */
  readonly episodeReturn: Float64Array;
  /** Length of the episode that just ended. */
  readonly episodeLength: Int32Array;
  /** Grader score of the episode that just ended (NaN until one is graded). */
  readonly episodeScore: Float64Array;
  /** Seed of the episode that just ended. */
  readonly episodeSeed: Float64Array;
  /** Seed of the running episode, per environment. */
  readonly seeds: Float64Array;

  /** Allocates the arrays of `numEnvs` environments of `slots` alert slots. */
  constructor(numEnvs: number, slots: number) {
    const n = numEnvs;
    this.numEnvs = n;
    this.slots = slots;
    this.terminations = new Uint8Array(n);
    this.truncations = new Uint8Array(n);
    this.episodeDone = new Uint8Array(n);
    this.episodeReturn = new Float64Array(n);
    this.episodeLength = new Int32Array(n);
    this.episodeScore = new Float64Array(n).fill(NaN);
    this.episodeSeed = new Float64Array(n);
    this.seeds = new Float64Array(n);
  }
}

/** {@link BatchArrays} plus the policy's view: features, masks, rewards, final observations. */
export class FeatureBatchArrays extends BatchArrays {
  /** Slot features, `numEnvs x slots x SLOT_FEATURES`. */
  readonly slotObs: Float32Array;
  /** Global features, `numEnvs x GLOBAL_FEATURES`. */
  readonly globalObs: Float32Array;
  /** 1 where a slot holds a queued alert, `numEnvs x slots`. */
  readonly slotValid: Uint8Array;
  /** Allowed decisions per slot, `numEnvs x slots x 4` (INVESTIGATE while budget > 0). */
  readonly actionMask: Uint8Array;
  /** INVESTIGATE decisions allowed this tick, per environment. */
  readonly budget: Int32Array;
  /** Reward of the last step (`VectorEnv`: the training reward; remote: the environment's). */
  readonly rewards: Float32Array;
  /** Environment reward of the last step. */
  readonly envRewards: Float32Array;
  /** Last slot observation of the episode that just ended (SameStep's `final_obs`). */
  readonly finalSlotObs: Float32Array;
  /** Last global observation of the episode that just ended. */
  readonly finalGlobalObs: Float32Array;
  /** Last slot validity of the episode that just ended. */
  readonly finalSlotValid: Uint8Array;
  /** Last action mask of the episode that just ended (scratch of the final observation). */
  protected readonly finalMask: Uint8Array;

  /** Allocates the arrays of `numEnvs` environments of `slots` alert slots. */
  constructor(numEnvs: number, slots: number) {
    super(numEnvs, slots);
    const n = numEnvs, S = slots;
    this.slotObs = new Float32Array(n * S * SLOT_FEATURES);
    this.globalObs = new Float32Array(n * GLOBAL_FEATURES);
    this.slotValid = new Uint8Array(n * S);
    this.actionMask = new Uint8Array(n * S * NUM_ACTIONS);
    this.budget = new Int32Array(n);
    this.rewards = new Float32Array(n);
    this.envRewards = new Float32Array(n);
    this.finalSlotObs = new Float32Array(n * S * SLOT_FEATURES);
    this.finalGlobalObs = new Float32Array(n * GLOBAL_FEATURES);
    this.finalSlotValid = new Uint8Array(n * S);
    this.finalMask = new Uint8Array(n * S * NUM_ACTIONS);
  }
}
