/**
 * The rollout buffer of PPO: `numSteps x numEnvs` transitions with their padded observations,
 * the decision and the INVESTIGATE mask of every slot (so the update recomputes
 * log-probabilities under the same masks), old log-probabilities and values, rewards, episode
 * ends; and Generalised Advantage Estimation (arXiv:1506.02438) at two levels:
 *
 * - **global**: the pooled critic's values and the *shared* reward of each step (what is not
 *   attributed to one alert), with GAE over the step sequence as usual;
 * - **per alert**: each alert is followed through the steps it stays queued (`nextSlot` links
 *   its slot at step t to its slot at t + 1); the reward *attributed* to it (its handling, its
 *   incident's resolution, failure and damage, see `reward_shaping.ts`) is credited to the
 *   decisions taken on it, with GAE along that chain against a per-slot value.
 *
 * A slot's advantage is the sum of its alert's advantage and its step's shared advantage.
 * Transition `s = t * numEnvs + e` is step `t` of environment `e`; slot `j` of it is `s * slots + j`.
 *
 * @example
 * ```ts
 * import { RolloutBuffer } from "./rollout.ts";
 * const buf = new RolloutBuffer(2, 1, 4);
 * buf.rewards.set([0, 1]);
 * buf.dones.set([0, 1]);
 * buf.computeGae(new Float64Array([0]), new Float64Array(4), 0.99, 0.95);
 * console.log(buf.advantages, buf.returns);
 * ```
 *
 * @module
 */
import { GLOBAL_FEATURES, SLOT_FEATURES } from "./features.ts";

/** Fixed-size storage for one PPO rollout. */
export class RolloutBuffer {
  /** Steps per environment. */
  readonly numSteps: number;
  /** Environments. */
  readonly numEnvs: number;
  /** Alert slots per observation. */
  readonly slots: number;
  /** Transitions (`numSteps x numEnvs`). */
  readonly size: number;
  /** Slot features per transition. */
  readonly slotObs: Float32Array;
  /** Global features per transition. */
  readonly globalObs: Float32Array;
  /** Slot validity per transition. */
  readonly valid: Uint8Array;
  /** Decision per slot. */
  readonly actions: Int8Array;
  /** INVESTIGATE-allowed bit per slot, as seen when the decision was sampled. */
  readonly allowed: Uint8Array;
  /** Log-probability of each slot's decision under the acting policy. */
  readonly slotLogp: Float64Array;
  /** Per-slot critic value (the alert's attributed return). */
  readonly slotValues: Float64Array;
  /** Reward attributed to each slot's decision (discounted to the decision's step). */
  readonly slotRewards: Float64Array;
  /** Slot of the same alert at the next step, or -1 if the alert left the queue. */
  readonly nextSlot: Int32Array;
  /** Per-slot (per-alert) GAE advantages. */
  readonly slotAdvantages: Float64Array;
  /** Per-slot value targets. */
  readonly slotReturns: Float64Array;
  /** Pooled critic value of the observation. */
  readonly values: Float64Array;
  /** Shared (unattributed) reward of the step. */
  readonly rewards: Float64Array;
  /** 1 if the episode ended at this step (terminated or truncated). */
  readonly dones: Uint8Array;
  /** Shared GAE advantages. */
  readonly advantages: Float64Array;
  /** Shared value targets. */
  readonly returns: Float64Array;

  /** Allocates everything once. */
  constructor(numSteps: number, numEnvs: number, slots: number) {
    this.numSteps = numSteps;
    this.numEnvs = numEnvs;
    this.slots = slots;
    const n = numSteps * numEnvs;
    this.size = n;
    this.slotObs = new Float32Array(n * slots * SLOT_FEATURES);
    this.globalObs = new Float32Array(n * GLOBAL_FEATURES);
    this.valid = new Uint8Array(n * slots);
    this.actions = new Int8Array(n * slots);
    this.allowed = new Uint8Array(n * slots);
    this.slotLogp = new Float64Array(n * slots);
    this.slotValues = new Float64Array(n * slots);
    this.slotRewards = new Float64Array(n * slots);
    this.nextSlot = new Int32Array(n * slots).fill(-1);
    this.slotAdvantages = new Float64Array(n * slots);
    this.slotReturns = new Float64Array(n * slots);
    this.values = new Float64Array(n);
    this.rewards = new Float64Array(n);
    this.dones = new Uint8Array(n);
    this.advantages = new Float64Array(n);
    this.returns = new Float64Array(n);
  }

  /**
   * GAE at both levels. `lastValues` / `lastSlotValues` are the critics' values of the
   * observations after the last step (`numEnvs` and `numEnvs x slots`). An episode end
   * (terminated, or truncated at the horizon) does not bootstrap: the time left is part of the
   * observation, so the value at the horizon is 0. An alert that leaves the queue ends its
   * chain (its later rewards were already folded into its last decision's reward).
   */
  computeGae(
    lastValues: Float64Array,
    lastSlotValues: Float64Array,
    gamma: number,
    lambda: number,
  ): void {
    const N = this.numEnvs, S = this.slots, T = this.numSteps;
    for (let e = 0; e < N; e++) {
      let adv = 0;
      for (let t = T - 1; t >= 0; t--) {
        const s = t * N + e;
        const next = t === T - 1 ? lastValues[e] : this.values[s + N];
        const nonTerminal = this.dones[s] ? 0 : 1;
        const delta = this.rewards[s] + gamma * next * nonTerminal - this.values[s];
        adv = delta + gamma * lambda * nonTerminal * adv;
        this.advantages[s] = adv;
        this.returns[s] = adv + this.values[s];
        for (let j = 0; j < S; j++) {
          const k = s * S + j;
          if (!this.valid[k]) continue;
          const n = this.nextSlot[k];
          let vNext = 0, aNext = 0;
          if (n >= 0 && t === T - 1) vNext = lastSlotValues[e * S + n];
          else if (n >= 0) {
            vNext = this.slotValues[(s + N) * S + n];
            aNext = this.slotAdvantages[(s + N) * S + n];
          }
          const d = this.slotRewards[k] + gamma * vNext - this.slotValues[k];
          const a = d + gamma * lambda * aNext;
          this.slotAdvantages[k] = a;
          this.slotReturns[k] = a + this.slotValues[k];
        }
      }
    }
  }
}
