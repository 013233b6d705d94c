/**
 * Running the actor on a batch of padded observations and turning its logits into decisions
 * with the at-most-K rule (see `categorical.ts`): sampled for training, argmax for evaluation.
 * Shared by the trainer, the evaluator and, through the same functions, the PPO agent.
 *
 * @example
 * ```ts
 * import { actBatch } from "./act.ts";
 * import { SlotPolicy } from "./policy.ts";
 * import { VectorEnv } from "./vector_env.ts";
 * import { easy } from "../../tasks/easy.ts";
 * import { Rng } from "../rng.ts";
 * const vec = new VectorEnv({ task: easy, numEnvs: 2 });
 * const policy = new SlotPolicy({ slots: vec.slots });
 * policy.init(new Rng(0));
 * vec.reset();
 * const allowed = new Uint8Array(vec.actions.length);
 * actBatch(policy, vec.slotObs, vec.globalObs, vec.slotValid, vec.budget, 2, null, vec.actions, 0, allowed, 0);
 * vec.step();
 * ```
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import { ACTIONS, selectSlots } from "./categorical.ts";
import type { SlotPolicy } from "./policy.ts";

const DELAY = 3;
let order = new Int32Array(64);

/**
 * Decides for `count` padded observations (numbered 0..count-1 in the arrays given).
 * Writes `slots` decision codes per observation to `actions[aOff..]` (DELAY on invalid
 * slots), the INVESTIGATE-allowed bit each slot saw to `allowed[allowedOff..]` and, if
 * `slotLogp` is given, each slot's log-probability to `slotLogp[allowedOff..]`.
 * Samples with `rng`, or takes the masked argmax when it is null. Leaves the gather of the
 * observations in the policy, so a `criticForward` can follow.
 */
export function actBatch(
  policy: SlotPolicy,
  slotObs: Float32Array,
  globalObs: Float32Array,
  valid: Uint8Array,
  budget: Int32Array,
  count: number,
  rng: Rng | null,
  actions: Int8Array,
  aOff: number,
  allowed: Uint8Array,
  allowedOff: number,
  slotLogp: Float64Array | null = null,
): void {
  const S = policy.spec.slots;
  if (order.length < S) order = new Int32Array(S);
  policy.gather(slotObs, globalObs, valid, null, count);
  const logits = policy.actorForward();
  actions.fill(DELAY, aOff, aOff + count * S);
  allowed.fill(0, allowedOff, allowedOff + count * S);
  for (let k = 0; k < count; k++) {
    const r0 = policy.sampleStart[k], nr = policy.sampleRows[k];
    // Valid slots are a prefix (queue order), so packed row r0 + j is slot j.
    selectSlots(
      logits,
      r0 * ACTIONS,
      nr,
      budget[k],
      rng,
      actions,
      aOff + k * S,
      allowed,
      allowedOff + k * S,
      order,
      slotLogp,
    );
  }
}
