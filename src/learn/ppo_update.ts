/**
 * The PPO update, after CleanRL's `ppo.py`: several epochs of shuffled minibatches over a
 * rollout; per minibatch, advantage normalisation, the clipped surrogate objective, a clipped
 * value loss, an entropy bonus, global gradient-norm clipping and one Adam step. Reports the
 * usual debug statistics (approx KL with the `(r - 1) - log r` estimator, clip fraction,
 * explained variance).
 *
 * Each valid slot is one decision: it has its own ratio, computed under the mask stored at
 * sampling time, and its own advantage (its alert's advantage plus the step's shared
 * advantage, see `rollout.ts`); losses are means over slots.
 *
 * @example
 * ```ts
 * import { DEFAULT_PPO, ppoUpdate } from "./ppo_update.ts";
 * import { Adam } from "./adam.ts";
 * import { RolloutBuffer } from "./rollout.ts";
 * import { SlotPolicy } from "./policy.ts";
 * import { Rng } from "../rng.ts";
 * const policy = new SlotPolicy({ slots: 2 });
 * policy.init(new Rng(0));
 * const buf = new RolloutBuffer(4, 1, 2);
 * const stats = ppoUpdate(policy, new Adam(policy.params.length), buf, DEFAULT_PPO, new Rng(1));
 * console.log(stats.approxKl);
 * ```
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import type { Adam } from "./adam.ts";
import { clipGradNorm } from "./adam.ts";
import { ACTIONS, maskedSlot, type SlotStats } from "./categorical.ts";
import type { SlotPolicy } from "./policy.ts";
import type { RolloutBuffer } from "./rollout.ts";

/** PPO hyperparameters (CleanRL names in camelCase). */
export interface PpoConfig {
  /** Initial learning rate. */
  learningRate: number;
  /** Linearly anneal the learning rate to 0 over training. */
  annealLr: boolean;
  /** Discount. */
  gamma: number;
  /** GAE lambda. */
  gaeLambda: number;
  /** Minibatches per epoch. */
  numMinibatches: number;
  /** Epochs per update. */
  updateEpochs: number;
  /** Normalise advantages per minibatch. */
  normAdv: boolean;
  /** Surrogate clipping coefficient. */
  clipCoef: number;
  /** Clip the value loss around the old values. */
  clipVloss: boolean;
  /** Entropy bonus coefficient (entropy is averaged over slots). */
  entCoef: number;
  /** Value loss coefficient. */
  vfCoef: number;
  /** Global gradient-norm limit. */
  maxGradNorm: number;
  /** Stop the epochs early when approx KL exceeds this (null: never). */
  targetKl: number | null;
}

/**
 * Defaults: CleanRL's `ppo.py` values, except a larger learning rate (3e-3, annealed), which
 * suits this small network and the per-slot loss (1e-3 learned markedly slower on `medium`).
 */
export const DEFAULT_PPO: PpoConfig = {
  learningRate: 3e-3,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  numMinibatches: 4,
  updateEpochs: 4,
  normAdv: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
};

/** Statistics of one update (means over its minibatches). */
export interface PpoStats {
  /** Policy-gradient (clipped surrogate) loss, per slot. */
  pgLoss: number;
  /** Value loss (shared + per-slot). */
  vLoss: number;
  /** Mean entropy per valid slot. */
  entropy: number;
  /** Approximate KL(old || new) per slot, `mean((r - 1) - log r)`. */
  approxKl: number;
  /** Share of slot decisions whose ratio was clipped. */
  clipFrac: number;
  /** Explained variance of the per-slot values on the per-slot returns (valid slots). */
  explainedVariance: number;
  /** Mean gradient norm before clipping. */
  gradNorm: number;
}

/** Running sums of one update's statistics. */
export interface LossSums {
  /** Sum of per-slot surrogate losses. */
  pg: number;
  /** Sum over minibatches of the (shared + per-slot) value loss. */
  v: number;
  /** Sum of per-slot entropies. */
  entropy: number;
  /** Valid slots seen. */
  rows: number;
  /** Sum of per-slot approx KL. */
  kl: number;
  /** Slots whose ratio left the clip range. */
  clipped: number;
  /** Transitions seen. */
  count: number;
  /** Minibatches seen. */
  batches: number;
}

/** Zeroed {@link LossSums}. */
export function newLossSums(): LossSums {
  return { pg: 0, v: 0, entropy: 0, rows: 0, kl: 0, clipped: 0, count: 0, batches: 0 };
}

/** Scratch reused across calls. */
const scratch = {
  idx: new Int32Array(0),
  mb: new Int32Array(0),
  adv: new Float64Array(0),
  dz: new Float64Array(0),
  dv: new Float64Array(0),
  dsv: new Float64Array(0),
};
const slot: SlotStats = { logp: 0, entropy: 0 };

/** Clipped value loss (CleanRL) of one prediction and its gradient wrt the prediction. */
function valueLoss(v: number, old: number, ret: number, cfg: PpoConfig, out: SlotStats): void {
  const lossUnclipped = (v - ret) ** 2;
  const dvc = Math.min(Math.max(v - old, -cfg.clipCoef), cfg.clipCoef);
  const lossClipped = (old + dvc - ret) ** 2;
  if (!cfg.clipVloss || lossUnclipped >= lossClipped) {
    out.logp = 0.5 * lossUnclipped; // (reusing the struct: loss, gradient)
    out.entropy = v - ret;
  } else {
    out.logp = 0.5 * lossClipped;
    out.entropy = Math.abs(v - old) < cfg.clipCoef ? old + dvc - ret : 0;
  }
}

/**
 * The PPO loss of one minibatch (`mb[0..mbSize)` are transition numbers of `buf`) and its
 * gradient, written into `policy.grads` (overwritten). Every valid slot is one decision with its
 * own ratio `exp(log pi_new(a) - log pi_old(a))` (under its stored mask) and advantage (its
 * alert's advantage plus its step's shared advantage, normalised over the minibatch's slots).
 * Returns `pg - entCoef * entropy + vfCoef * (v_shared + v_slot)`, each a mean (over slots,
 * or over transitions for the shared value); adds statistics to `sums`.
 */
export function minibatchLoss(
  policy: SlotPolicy,
  buf: RolloutBuffer,
  mb: Int32Array,
  mbSize: number,
  cfg: PpoConfig,
  sums: LossSums = newLossSums(),
): number {
  const S = buf.slots;
  const rows = policy.gather(buf.slotObs, buf.globalObs, buf.valid, mb, mbSize);
  const logits = policy.actorForward(rows);
  const values = policy.criticForward(mbSize);
  const slotValues = policy.slotValues;
  if (scratch.dz.length < rows * ACTIONS) {
    scratch.dz = new Float64Array(rows * ACTIONS * 2);
    scratch.adv = new Float64Array(rows * 2);
    scratch.dsv = new Float64Array(rows * 2);
  }
  if (scratch.dv.length < mbSize) scratch.dv = new Float64Array(mbSize);
  const { dz, adv, dv, dsv } = scratch;
  dz.fill(0, 0, rows * ACTIONS);
  const nr = Math.max(1, rows);
  // Advantages of the slots, and their statistics.
  let mean = 0, sq = 0;
  for (let r = 0; r < rows; r++) {
    const s = mb[policy.rowSample[r]], k = s * S + policy.rowSlot[r];
    adv[r] = buf.slotAdvantages[k] + buf.advantages[s];
    mean += adv[r];
  }
  mean /= nr;
  for (let r = 0; r < rows; r++) sq += (adv[r] - mean) ** 2;
  const std = Math.sqrt(sq / Math.max(1, rows - 1));
  let pgLoss = 0, vLoss = 0, svLoss = 0, entropy = 0;
  const gEnt = -cfg.entCoef / nr;
  for (let r = 0; r < rows; r++) {
    const s = mb[policy.rowSample[r]], k = s * S + policy.rowSlot[r];
    const action = buf.actions[k], allowed = buf.allowed[k];
    maskedSlot(logits, r * ACTIONS, allowed, action, slot);
    entropy += slot.entropy;
    const logRatio = slot.logp - buf.slotLogp[k];
    const ratio = Math.exp(logRatio);
    sums.kl += (ratio - 1) - logRatio;
    if (Math.abs(ratio - 1) > cfg.clipCoef) sums.clipped++;
    const a = cfg.normAdv ? (adv[r] - mean) / (std + 1e-8) : adv[r];
    const pg1 = -a * ratio;
    const pg2 = -a * Math.min(Math.max(ratio, 1 - cfg.clipCoef), 1 + cfg.clipCoef);
    pgLoss += Math.max(pg1, pg2);
    const gLogp = pg1 >= pg2 ? -a * ratio / nr : 0;
    maskedSlot(logits, r * ACTIONS, allowed, action, slot, dz, gLogp, gEnt);
    valueLoss(slotValues[r], buf.slotValues[k], buf.slotReturns[k], cfg, slot);
    svLoss += slot.logp;
    dsv[r] = cfg.vfCoef * slot.entropy / nr;
  }
  for (let k = 0; k < mbSize; k++) {
    const s = mb[k];
    valueLoss(values[k], buf.values[s], buf.returns[s], cfg, slot);
    vLoss += slot.logp;
    dv[k] = cfg.vfCoef * slot.entropy / mbSize;
  }
  policy.grads.fill(0);
  policy.actorBackward(dz, rows);
  policy.criticBackward(dv, mbSize, dsv);
  sums.pg += pgLoss;
  sums.v += vLoss / mbSize + svLoss / nr;
  sums.entropy += entropy;
  sums.rows += rows;
  sums.count += mbSize;
  sums.batches++;
  return (pgLoss - cfg.entCoef * entropy) / nr + cfg.vfCoef * (vLoss / mbSize + svLoss / nr);
}

/** One PPO update of `policy` from a filled rollout (advantages computed). */
export function ppoUpdate(
  policy: SlotPolicy,
  adam: Adam,
  buf: RolloutBuffer,
  cfg: PpoConfig,
  rng: Rng,
): PpoStats {
  const n = buf.size;
  const mbSize = Math.max(1, Math.floor(n / cfg.numMinibatches));
  if (scratch.idx.length < n) {
    scratch.idx = new Int32Array(n);
    scratch.mb = new Int32Array(n);
  }
  const { idx, mb } = scratch;
  for (let i = 0; i < n; i++) idx[i] = i;
  const sums = newLossSums();
  let gradSum = 0, steps = 0;
  for (let epoch = 0; epoch < cfg.updateEpochs; epoch++) {
    for (let i = n - 1; i > 0; i--) { // Fisher-Yates with the trainer's generator
      const j = rng.int(i + 1);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    const klBefore = sums.kl, rowsBefore = sums.rows;
    for (let start = 0; start + mbSize <= n; start += mbSize) {
      for (let k = 0; k < mbSize; k++) mb[k] = idx[start + k];
      minibatchLoss(policy, buf, mb, mbSize, cfg, sums);
      gradSum += clipGradNorm(policy.grads, cfg.maxGradNorm);
      adam.step(policy.params, policy.grads);
      steps++;
    }
    const epochKl = (sums.kl - klBefore) / Math.max(1, sums.rows - rowsBefore);
    if (cfg.targetKl !== null && epochKl > cfg.targetKl) break;
  }
  const rows = Math.max(1, sums.rows);
  return {
    pgLoss: sums.pg / rows,
    vLoss: sums.v / Math.max(1, sums.batches),
    entropy: sums.entropy / rows,
    approxKl: sums.kl / rows,
    clipFrac: sums.clipped / rows,
    explainedVariance: explainedVariance(buf.slotValues, buf.slotReturns, buf.valid),
    gradNorm: gradSum / Math.max(1, steps),
  };
}

/**
 * `1 - Var(returns - values) / Var(returns)` over the entries where `mask` is 1 (all when it is
 * null); NaN when the returns are constant.
 */
export function explainedVariance(
  values: Float64Array,
  returns: Float64Array,
  mask: Uint8Array | null = null,
): number {
  let n = 0, my = 0, md = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    n++;
    my += returns[i];
    md += returns[i] - values[i];
  }
  if (n === 0) return NaN;
  my /= n;
  md /= n;
  let vy = 0, vd = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    vy += (returns[i] - my) ** 2;
    vd += (returns[i] - values[i] - md) ** 2;
  }
  return vy === 0 ? NaN : 1 - vd / vy;
}
