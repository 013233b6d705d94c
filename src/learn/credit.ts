/**
 * Per-alert credit assignment for the rollout. With dozens of alerts decided at every step, a
 * single shared advantage tells each decision almost nothing about itself. The grader-aligned
 * reward, however, is mostly made of events caused by one alert (see `reward_shaping.ts`), so
 * the tracker follows every alert through the rollout and
 *
 * - links the slot an alert occupies at step t to its slot at step t + 1 (`nextSlot`), so that
 *   GAE can run along the alert's own chain of decisions;
 * - credits each attributed event to the *last decision taken on its alert* (discounted by
 *   `gamma^(steps since)`: e.g. a failure after an IGNORE is charged to the IGNORE);
 * - leaves the rest of the step's reward (unattributed events, events of alerts decided before
 *   this rollout, the terminal correction) as the step's shared reward.
 *
 * Allocates only in its constructor.
 *
 * @example
 * ```ts
 * import { CreditTracker } from "./credit.ts";
 * import { RolloutBuffer } from "./rollout.ts";
 * const buf = new RolloutBuffer(8, 2, 32);
 * const credit = new CreditTracker(buf, 2000, 0.99);
 * credit.startRollout();
 * ```
 *
 * @module
 */
import type { RolloutBuffer } from "./rollout.ts";
import type { VectorEnv } from "./vector_env.ts";

/** Follows alerts across the steps of a rollout and routes their rewards to their decisions. */
export class CreditTracker {
  /** The buffer written to. */
  readonly buf: RolloutBuffer;
  readonly #capacity: number;
  readonly #lastStep: Int32Array;
  readonly #lastSlot: Int32Array;
  readonly #lastStamp: Int32Array;
  readonly #stamp: Int32Array;
  readonly #discount: Float64Array;

  /** Tracks `alertCapacity` alerts per environment of `buf`. */
  constructor(buf: RolloutBuffer, alertCapacity: number, gamma: number) {
    this.buf = buf;
    this.#capacity = alertCapacity;
    const n = buf.numEnvs * alertCapacity;
    this.#lastStep = new Int32Array(n);
    this.#lastSlot = new Int32Array(n);
    this.#lastStamp = new Int32Array(n);
    this.#stamp = new Int32Array(buf.numEnvs).fill(1);
    this.#discount = new Float64Array(buf.numSteps + 1);
    for (let k = 0; k <= buf.numSteps; k++) this.#discount[k] = gamma ** k;
  }

  /** Forgets every alert (decisions of an earlier rollout cannot be credited any more). */
  startRollout(): void {
    for (let e = 0; e < this.#stamp.length; e++) this.#stamp[e]++;
  }

  /**
   * Records the alerts of step `t`'s observations (before acting): links each to its slot at
   * step t - 1 and clears the slot's reward and link.
   */
  record(t: number, slotAlert: Int32Array, valid: Uint8Array): void {
    const buf = this.buf, N = buf.numEnvs, S = buf.slots;
    for (let e = 0; e < N; e++) {
      const s = t * N + e, stamp = this.#stamp[e], base = e * this.#capacity;
      for (let j = 0; j < S; j++) {
        const k = s * S + j;
        buf.slotRewards[k] = 0;
        buf.nextSlot[k] = -1;
        if (!valid[e * S + j]) continue;
        const m = base + slotAlert[e * S + j];
        if (this.#lastStamp[m] === stamp && this.#lastStep[m] === t - 1) {
          buf.nextSlot[((t - 1) * N + e) * S + this.#lastSlot[m]] = j;
        }
        this.#lastStamp[m] = stamp;
        this.#lastStep[m] = t;
        this.#lastSlot[m] = j;
      }
    }
  }

  /**
   * After step `t`: credits the attributed events of `vec` to their alerts' last decisions,
   * writes the shared rewards and episode ends of the step into the buffer.
   */
  credit(t: number, vec: VectorEnv): void {
    const buf = this.buf, N = buf.numEnvs, S = buf.slots;
    for (let e = 0; e < N; e++) {
      const s = t * N + e, stamp = this.#stamp[e], base = e * this.#capacity;
      let shared = vec.rewards[e];
      const off = e * vec.eventCapacity;
      for (let k = 0; k < vec.eventCount[e]; k++) {
        const m = base + vec.eventAlert[off + k];
        if (this.#lastStamp[m] !== stamp) continue; // no decision on it in this rollout
        const t1 = this.#lastStep[m];
        const r = vec.eventValue[off + k];
        buf.slotRewards[(t1 * N + e) * S + this.#lastSlot[m]] += r * this.#discount[t - t1];
        shared -= r;
      }
      buf.rewards[s] = shared;
      buf.dones[s] = vec.episodeDone[e];
      if (vec.episodeDone[e]) this.#stamp[e]++; // the next observation is a new episode
    }
  }

  /** Links the alerts of the observations after the last step (for bootstrapping). */
  finish(slotAlert: Int32Array, valid: Uint8Array): void {
    const buf = this.buf, N = buf.numEnvs, S = buf.slots, t = buf.numSteps;
    for (let e = 0; e < N; e++) {
      const stamp = this.#stamp[e], base = e * this.#capacity;
      for (let j = 0; j < S; j++) {
        if (!valid[e * S + j]) continue;
        const m = base + slotAlert[e * S + j];
        if (this.#lastStamp[m] === stamp && this.#lastStep[m] === t - 1) {
          buf.nextSlot[((t - 1) * N + e) * S + this.#lastSlot[m]] = j;
        }
      }
    }
  }
}
