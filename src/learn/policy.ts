/**
 * The actor-critic used by PPO. The actor scores every alert slot with the *same* MLP:
 * `[slot features ‖ global context] -> hidden -> hidden -> 4 logits`, so it does not care how many
 * alerts are queued or in which order (permutation-equivariant). The critic embeds every slot
 * with a shared one-layer encoder, sums the embeddings (scaled by 1/8), appends the global
 * context and maps that to one value (the *shared* value of the observation); a linear head on
 * each slot's embedding gives the *per-alert* value used for per-alert credit assignment. Actor and critic are separate networks (as in CleanRL's
 * `ppo.py`) whose parameters share one flat buffer for Adam and gradient clipping.
 *
 * Observations come padded (`slots` rows per observation plus a validity mask);
 * {@link SlotPolicy.gather} packs the valid slots of a batch of observations into one dense
 * matrix so that padding costs nothing.
 *
 * @example
 * ```ts
 * import { SlotPolicy } from "./policy.ts";
 * import { Rng } from "../rng.ts";
 * const policy = new SlotPolicy({ slots: 4 });
 * policy.init(new Rng(0));
 * const slotObs = new Float32Array(4 * policy.spec.slotFeatures);
 * const globalObs = new Float32Array(policy.spec.globalFeatures);
 * const valid = new Uint8Array([1, 1, 0, 0]);
 * const rows = policy.gather(slotObs, globalObs, valid, null, 1);
 * const logits = policy.actorForward(rows); // rows x 4
 * const values = policy.criticForward(1);
 * console.log(logits.length, values[0]);
 * ```
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import { GLOBAL_FEATURES, NUM_ACTIONS, SLOT_FEATURES } from "./features.ts";
import { type Activation, Mlp } from "./mlp.ts";

/** Shape of a {@link SlotPolicy}. */
export interface PolicySpec {
  /** Alert slots per observation. */
  slots: number;
  /** Numbers per slot. */
  slotFeatures: number;
  /** Numbers of global context. */
  globalFeatures: number;
  /** Hidden widths of the actor. */
  actorHidden: number[];
  /** Width of the critic's per-slot embedding. */
  criticEmbed: number;
  /** Hidden widths of the critic's head. */
  criticHidden: number[];
  /** Hidden activation of every network. */
  activation: Activation;
}

/**
 * Default shape: 32-32 ReLU actor, 32-wide critic embedding, 32 critic head, 32 slots. (Wider
 * tanh networks learned no better here and cost 2-3x the time: tanh alone was ~40% of it.)
 */
export const DEFAULT_POLICY_SPEC: PolicySpec = {
  slots: 32,
  slotFeatures: SLOT_FEATURES,
  globalFeatures: GLOBAL_FEATURES,
  actorHidden: [32, 32],
  criticEmbed: 32,
  criticHidden: [32],
  activation: "relu",
};

/** Scale applied to the critic's summed slot embeddings. */
const POOL_SCALE = 1 / 8;

/** Shared-weight per-slot actor plus pooled critic over one flat parameter buffer. */
export class SlotPolicy {
  /** The shape. */
  readonly spec: PolicySpec;
  /** All parameters: actor first, then the critic's encoder and head. */
  readonly params: Float64Array;
  /** Gradients, same layout. */
  readonly grads: Float64Array;
  /** Per-slot actor. */
  readonly actor: Mlp;
  /** Per-slot critic encoder (activated output). */
  readonly encoder: Mlp;
  /** Critic head on [pooled embedding ‖ global]. */
  readonly head: Mlp;
  /** Per-slot value head on each slot's embedding (linear). */
  readonly slotHead: Mlp;
  /** Per-slot values of the last critic forward (one per packed row). */
  slotValues: Float64Array = new Float64Array(0);
  /** Number of actor parameters (they come first in `params`). */
  readonly actorSize: number;
  /** Input width of a row: slot features then global features. */
  readonly inputSize: number;
  /** Packed rows of the last gather (`rows x inputSize`). */
  x: Float32Array = new Float32Array(0);
  /** Observation (within the gather) of each packed row. */
  rowSample: Int32Array = new Int32Array(0);
  /** Slot index of each packed row. */
  rowSlot: Int32Array = new Int32Array(0);
  /** First packed row of each observation of the last gather. */
  sampleStart: Int32Array = new Int32Array(0);
  /** Number of packed rows (valid slots) of each observation of the last gather. */
  sampleRows: Int32Array = new Int32Array(0);
  #rows = 0;
  #samples = 0;
  #headIn: Float64Array = new Float64Array(0);
  #dHeadIn: Float64Array = new Float64Array(0);
  #dEmb: Float64Array = new Float64Array(0);
  #dSlotIn: Float64Array = new Float64Array(0);
  #gathered: Float32Array = new Float32Array(0);

  /** Builds an uninitialised policy; call {@link SlotPolicy.init} or load parameters. */
  constructor(spec: Partial<PolicySpec> = {}) {
    this.spec = { ...DEFAULT_POLICY_SPEC, ...spec };
    const s = this.spec;
    this.inputSize = s.slotFeatures + s.globalFeatures;
    const actorSizes = [this.inputSize, ...s.actorHidden, NUM_ACTIONS];
    const encSizes = [this.inputSize, s.criticEmbed];
    const headSizes = [s.criticEmbed + s.globalFeatures, ...s.criticHidden, 1];
    const na = Mlp.paramCount(actorSizes);
    const ne = Mlp.paramCount(encSizes);
    const nh = Mlp.paramCount(headSizes);
    const slotSizes = [s.criticEmbed, 1];
    const nv = Mlp.paramCount(slotSizes);
    this.actorSize = na;
    this.params = new Float64Array(na + ne + nh + nv);
    this.grads = new Float64Array(na + ne + nh + nv);
    const view = (a: Float64Array, o: number, n: number) => a.subarray(o, o + n);
    this.actor = new Mlp(actorSizes, view(this.params, 0, na), view(this.grads, 0, na), {
      sparseInput: true,
      activation: s.activation,
    });
    this.encoder = new Mlp(encSizes, view(this.params, na, ne), view(this.grads, na, ne), {
      activateOutput: true,
      sparseInput: true,
      activation: s.activation,
    });
    this.head = new Mlp(headSizes, view(this.params, na + ne, nh), view(this.grads, na + ne, nh), {
      activation: s.activation,
    });
    const o = na + ne + nh;
    this.slotHead = new Mlp(slotSizes, view(this.params, o, nv), view(this.grads, o, nv));
  }

  /** CleanRL initialisation: orthogonal, actor output gain 0.01, critic output gain 1. */
  init(rng: Rng): void {
    this.actor.init(rng, Math.SQRT2, 0.01);
    this.encoder.init(rng, Math.SQRT2, Math.SQRT2);
    this.head.init(rng, Math.SQRT2, 1);
    this.slotHead.init(rng, Math.SQRT2, 1);
  }

  #ensure(rows: number, samples: number): void {
    if (rows > this.rowSample.length) {
      const cap = Math.max(rows, Math.ceil(this.rowSample.length * 1.5));
      this.x = new Float32Array(cap * this.inputSize);
      this.rowSample = new Int32Array(cap);
      this.rowSlot = new Int32Array(cap);
      this.#dEmb = new Float64Array(cap * this.spec.criticEmbed);
      this.#dSlotIn = new Float64Array(cap * this.spec.criticEmbed);
    }
    if (samples > this.sampleStart.length) {
      const cap = Math.max(samples, Math.ceil(this.sampleStart.length * 1.5));
      const w = this.spec.criticEmbed + this.spec.globalFeatures;
      this.sampleStart = new Int32Array(cap);
      this.sampleRows = new Int32Array(cap);
      this.#headIn = new Float64Array(cap * w);
      this.#dHeadIn = new Float64Array(cap * w);
      this.#gathered = new Float32Array(cap * this.spec.globalFeatures);
    }
  }

  /**
   * Packs the valid slots of `count` observations into {@link SlotPolicy.x}. Observation `k`
   * is number `samples[k]` of the padded arrays (or `k` itself when `samples` is null):
   * `slotObs` holds `slots x slotFeatures` numbers per observation, `globalObs`
   * `globalFeatures`, `valid` `slots`. Returns the number of packed rows.
   */
  gather(
    slotObs: Float32Array,
    globalObs: Float32Array,
    valid: Uint8Array,
    samples: Int32Array | null,
    count: number,
  ): number {
    const { slots, slotFeatures: F, globalFeatures: G } = this.spec;
    let rows = 0;
    for (let k = 0; k < count; k++) {
      const s = samples ? samples[k] : k;
      for (let i = 0; i < slots; i++) rows += valid[s * slots + i];
    }
    this.#ensure(rows, count);
    const x = this.x, W = this.inputSize;
    let r = 0;
    for (let k = 0; k < count; k++) {
      const s = samples ? samples[k] : k;
      this.sampleStart[k] = r;
      const gOff = s * G;
      for (let j = 0; j < G; j++) this.#gathered[k * G + j] = globalObs[gOff + j];
      for (let i = 0; i < slots; i++) {
        if (!valid[s * slots + i]) continue;
        const src = (s * slots + i) * F, dst = r * W;
        for (let j = 0; j < F; j++) x[dst + j] = slotObs[src + j];
        for (let j = 0; j < G; j++) x[dst + F + j] = globalObs[gOff + j];
        this.rowSample[r] = k;
        this.rowSlot[r] = i;
        r++;
      }
      this.sampleRows[k] = r - this.sampleStart[k];
    }
    this.#rows = rows;
    this.#samples = count;
    return rows;
  }

  /** Number of packed rows of the last gather. */
  get packedRows(): number {
    return this.#rows;
  }

  /** Actor logits for the packed rows (`rows x 4`, valid until the next actor forward). */
  actorForward(rows: number = this.#rows): Float64Array {
    return this.actor.forward(this.x, rows);
  }

  /** Adds the actor's parameter gradients for dLoss/dLogits of the last actor forward. */
  actorBackward(dLogits: Float64Array, rows: number = this.#rows): void {
    this.actor.backward(dLogits, rows);
  }

  /**
   * Shared critic values of the gathered observations (`count`, valid until the next
   * forward); also fills {@link SlotPolicy.slotValues} for the packed rows.
   */
  criticForward(count: number = this.#samples): Float64Array {
    const E = this.spec.criticEmbed, G = this.spec.globalFeatures, W = E + G;
    const emb = this.encoder.forward(this.x, this.#rows);
    const h = this.#headIn;
    h.fill(0, 0, count * W);
    for (let r = 0; r < this.#rows; r++) {
      const o = this.rowSample[r] * W, e = r * E;
      for (let j = 0; j < E; j++) h[o + j] += POOL_SCALE * emb[e + j];
    }
    for (let k = 0; k < count; k++) {
      for (let j = 0; j < G; j++) h[k * W + E + j] = this.#gathered[k * G + j];
    }
    this.slotValues = this.slotHead.forward(emb, this.#rows);
    return this.head.forward(h, count);
  }

  /**
   * Adds the critic's parameter gradients for dLoss/dValue (shared values, `count`) and, if
   * given, dLoss/dSlotValue (one per packed row) of the last critic forward.
   */
  criticBackward(
    dValues: Float64Array,
    count: number = this.#samples,
    dSlotValues?: Float64Array,
  ): void {
    const E = this.spec.criticEmbed, W = E + this.spec.globalFeatures;
    const rows = this.#rows;
    this.head.backward(dValues, count, this.#dHeadIn);
    const d = this.#dEmb;
    for (let r = 0; r < rows; r++) {
      const o = this.rowSample[r] * W, e = r * E;
      for (let j = 0; j < E; j++) d[e + j] = POOL_SCALE * this.#dHeadIn[o + j];
    }
    if (dSlotValues) {
      this.slotHead.backward(dSlotValues, rows, this.#dSlotIn);
      for (let k = 0; k < rows * E; k++) d[k] += this.#dSlotIn[k];
    }
    this.encoder.backward(d, rows);
  }
}
