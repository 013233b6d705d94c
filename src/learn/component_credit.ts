/**
 * Per-alert credit for the environment's own reward, from public information only: the step's
 * reward breakdown by component (what every observation's `reward_components` shows) and the
 * agent's own decisions. Each component can only have been caused by one kind of decision made
 * this step, so it is shared among the alerts that got that decision:
 *
 * - `false_positive_ignored` and `critical_missed` (up to the number of IGNOREs; the rest are
 *   failures of roots left waiting) go to this step's IGNORE decisions;
 * - `unnecessary_investigation`, and `critical_resolved` with its `cascade_prevented` bonus (up
 *   to the number of INVESTIGATEs; the rest are escalations completing), go to the INVESTIGATE
 *   decisions;
 * - `wasted_escalation` goes to the ESCALATE decisions;
 * - resolutions the step's investigations cannot explain came from escalations completing: they go
 *   to the escalations that completed this step (`completed`: the agent's own earlier ESCALATE
 *   decisions, known from the specialist queue's public length; first in, first out).
 *
 * Whatever cannot be placed (system failures, escalations completing) stays shared by every
 * decision of the step. Nothing here reads an alert's hidden class: within a group every alert
 * gets the same share, so the learner still has to find out which of them earned it.
 *
 * @example
 * ```ts
 * import { creditByComponents } from "./component_credit.ts";
 * import { REWARD_COMPONENTS } from "../rewards.ts";
 * const counts = new Int32Array(REWARD_COMPONENTS.length);
 * counts[2] = 1; // one false positive ignored (+3)
 * const alerts = new Int32Array(4), values = new Float64Array(4);
 * const n = creditByComponents(counts, [1, 1, 3], new Int32Array([7, 8, 9]), 0, 3, 1, alerts, values, 0);
 * console.assert(n === 2 && values[0] === 1.5 && alerts[1] === 8);
 * ```
 *
 * @module
 */
import { REWARD_INDEX, REWARD_TABLE } from "../rewards.ts";

const INVESTIGATE = 0, IGNORE = 1, ESCALATE = 2;

/**
 * Writes one event per decided alert (alert index and its share of its group's reward, times
 * `scale`) at `outOff` and returns how many were written. `actions` and `slotAlert` hold the
 * step's `slots` decisions starting at `off` (slot alert -1 = empty slot).
 */
export function creditByComponents(
  counts: ArrayLike<number>,
  actions: ArrayLike<number>,
  slotAlert: ArrayLike<number>,
  off: number,
  slots: number,
  scale: number,
  outAlert: Int32Array,
  outValue: Float64Array,
  outOff: number,
  completed: ArrayLike<number> = [],
  completedCount = 0,
): number {
  let inv = 0, ign = 0, esc = 0;
  for (let j = 0; j < slots; j++) {
    if (slotAlert[off + j] < 0) continue;
    const a = actions[off + j];
    if (a === INVESTIGATE) inv++;
    else if (a === IGNORE) ign++;
    else if (a === ESCALATE) esc++;
  }
  const c = (name: keyof typeof REWARD_INDEX) => counts[REWARD_INDEX[name]];
  let invValue = c("unnecessary_investigation") * REWARD_TABLE.unnecessary_investigation;
  const resolved = c("critical_resolved");
  const resolvedValue = resolved * REWARD_TABLE.critical_resolved +
    c("cascade_prevented") * REWARD_TABLE.cascade_prevented;
  let byEscalation = 0;
  if (resolved > 0) {
    const share = Math.min(resolved, inv) / resolved;
    invValue += share * resolvedValue;
    if (completedCount > 0) byEscalation = (1 - share) * resolvedValue / completedCount;
  }
  const ignValue = c("false_positive_ignored") * REWARD_TABLE.false_positive_ignored +
    Math.min(c("critical_missed"), ign) * REWARD_TABLE.critical_missed;
  const escValue = c("wasted_escalation") * REWARD_TABLE.wasted_escalation;
  const per = [inv ? invValue / inv : 0, ign ? ignValue / ign : 0, esc ? escValue / esc : 0];
  let n = 0;
  for (let j = 0; j < slots; j++) {
    const alert = slotAlert[off + j];
    const a = actions[off + j];
    if (alert < 0 || a > ESCALATE) continue;
    outAlert[outOff + n] = alert;
    outValue[outOff + n] = per[a] * scale;
    n++;
  }
  if (byEscalation !== 0) {
    for (let k = 0; k < completedCount; k++) {
      outAlert[outOff + n] = completed[k];
      outValue[outOff + n] = byEscalation * scale;
      n++;
    }
  }
  return n;
}
