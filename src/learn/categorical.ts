/**
 * The factorised action distribution over alert slots: each slot has 4 logits (INVESTIGATE,
 * IGNORE, ESCALATE, DELAY); the joint log-probability is the sum over valid slots.
 *
 * The at-most-K INVESTIGATE rule is enforced by *sequential masking*: slots are visited in
 * descending order of their (unmasked) INVESTIGATE log-probability, and once K slots have
 * chosen INVESTIGATE, INVESTIGATE is masked out for the remaining ones. The mask each slot saw
 * is stored with the rollout and reused verbatim when the update recomputes log-probabilities
 * (arXiv:2006.14171: masked logits get probability 0 and no gradient).
 *
 * @example
 * ```ts
 * import { maskedSlot, selectSlots } from "./categorical.ts";
 * const logits = new Float64Array([2, 0, 0, 0, 1, 0, 0, 0]);
 * const actions = new Int8Array(2), allowed = new Uint8Array(2), order = new Int32Array(2);
 * const logp = selectSlots(logits, 0, 2, 1, null, actions, 0, allowed, 0, order);
 * console.log(actions, allowed, logp); // [0, 1] (the second alert may not investigate), [1, 0]
 * const out = { logp: 0, entropy: 0 };
 * maskedSlot(logits, 4, allowed[1], actions[1], out);
 * ```
 *
 * @module
 */
import type { Rng } from "../rng.ts";

/** Decisions per slot. */
export const ACTIONS = 4;

/** Log-probability and entropy of one slot (written by {@link maskedSlot}). */
export interface SlotStats {
  /** log pi(action) under the mask. */
  logp: number;
  /** Entropy of the masked distribution. */
  entropy: number;
}

/**
 * Log-probability of `action` and entropy for the slot whose logits start at `off`, with
 * INVESTIGATE allowed iff `invAllowed`. If `dz` is given, adds
 * `gLogp * dlogp/dz + gEnt * dH/dz` into `dz[off..off+3]`.
 */
export function maskedSlot(
  z: Float64Array,
  off: number,
  invAllowed: number,
  action: number,
  out: SlotStats,
  dz?: Float64Array,
  gLogp = 0,
  gEnt = 0,
): void {
  const first = invAllowed ? 0 : 1;
  let max = -Infinity;
  for (let j = first; j < ACTIONS; j++) if (z[off + j] > max) max = z[off + j];
  let sum = 0;
  for (let j = first; j < ACTIONS; j++) sum += Math.exp(z[off + j] - max);
  const lse = max + Math.log(sum);
  let entropy = 0;
  for (let j = first; j < ACTIONS; j++) {
    const lp = z[off + j] - lse;
    entropy -= Math.exp(lp) * lp;
  }
  out.logp = z[off + action] - lse;
  out.entropy = entropy;
  if (!dz) return;
  for (let j = first; j < ACTIONS; j++) {
    const lp = z[off + j] - lse;
    const p = Math.exp(lp);
    // dlogp(a)/dz_j = [j = a] - p_j ; dH/dz_j = -p_j (log p_j + H)
    dz[off + j] += gLogp * ((j === action ? 1 : 0) - p) - gEnt * p * (lp + entropy);
  }
}

/**
 * Picks decisions for the `n` valid slots of one observation whose logits start at `zOff`
 * (4 per slot), with at most `budget` INVESTIGATE: sampled with `rng`, or the masked argmax
 * when `rng` is null. Writes the decisions to `actions[aOff..]` and the INVESTIGATE-allowed
 * bit each slot saw to `allowed[allowedOff..]` and, if `slotLogp` is given, each decision's
 * log-probability to `slotLogp[allowedOff..]`; `order` is scratch of length >= n. Returns the
 * joint log-probability.
 */
export function selectSlots(
  z: Float64Array,
  zOff: number,
  n: number,
  budget: number,
  rng: Rng | null,
  actions: Int8Array,
  aOff: number,
  allowed: Uint8Array,
  allowedOff: number,
  order: Int32Array,
  slotLogp: Float64Array | null = null,
): number {
  // Insertion sort of the slots by descending log pi(INVESTIGATE) (stable: ties keep queue order).
  for (let i = 0; i < n; i++) {
    const key = invKey(z, zOff + i * ACTIONS);
    let j = i;
    while (j > 0 && invKey(z, zOff + order[j - 1] * ACTIONS) < key) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  let used = 0, logp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const off = zOff + i * ACTIONS;
    const ok = used < budget ? 1 : 0;
    const first = ok ? 0 : 1;
    let max = -Infinity, arg = first;
    for (let j = first; j < ACTIONS; j++) {
      if (z[off + j] > max) {
        max = z[off + j];
        arg = j;
      }
    }
    let sum = 0;
    for (let j = first; j < ACTIONS; j++) sum += Math.exp(z[off + j] - max);
    let a = arg;
    if (rng) {
      let u = rng.float() * sum;
      a = ACTIONS - 1;
      for (let j = first; j < ACTIONS; j++) {
        u -= Math.exp(z[off + j] - max);
        if (u < 0) {
          a = j;
          break;
        }
      }
    }
    if (a === 0) used++;
    actions[aOff + i] = a;
    allowed[allowedOff + i] = ok;
    const lp = z[off + a] - max - Math.log(sum);
    if (slotLogp) slotLogp[allowedOff + i] = lp;
    logp += lp;
  }
  return logp;
}

/** Unmasked log pi(INVESTIGATE) of the slot at `off` (up to the same constant for all slots). */
function invKey(z: Float64Array, off: number): number {
  const a = z[off], b = z[off + 1], c = z[off + 2], d = z[off + 3];
  const m = Math.max(a, b, c, d);
  return a - m - Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m) + Math.exp(d - m));
}
