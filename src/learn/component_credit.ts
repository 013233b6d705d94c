/**
 * Per-alert credit for the environment's own reward, from public information only: the step's
 * reward breakdown by component (what every observation's `reward_components` shows) and the
 * agent's own decisions. Each component can only have been caused by one kind of decision, so it
 * is shared among the alerts that got that decision:
 *
 * - `false_positive_ignored` and `critical_missed` (up to the number of IGNOREs; the rest are
 *   failures of roots left waiting) go to this step's IGNORE decisions;
 * - `unnecessary_investigation`, and `critical_resolved` with its `cascade_prevented` bonus (up
 *   to the number of INVESTIGATEs), go to the INVESTIGATE decisions;
 * - resolutions the step's investigations cannot explain came from escalations completing: they go
 *   to the escalations that completed this step (the agent's own earlier ESCALATE decisions, first
 *   in, first out, counted from the specialist queue's public length);
 * - `wasted_escalation` goes to the ESCALATE decisions.
 *
 * Whatever cannot be placed (system failures) stays shared by every decision of the step. Nothing
 * here reads an alert's hidden class: within a group every alert gets the same share, so the
 * learner still has to find out which of them earned it. Allocates only in its constructor.
 *
 * @example
 * ```ts
 * import { ComponentCredit } from "./component_credit.ts";
 * import { REWARD_COMPONENTS } from "../rewards.ts";
 * const credit = new ComponentCredit(16);
 * credit.beforeStep([1, 1, 3], new Int32Array([7, 8, 9]), 0, 3, 0);
 * const counts = new Int32Array(REWARD_COMPONENTS.length);
 * counts[2] = 1; // one false positive ignored (+3)
 * const alerts = new Int32Array(4), values = new Float64Array(4);
 * const n = credit.afterStep(counts, 0, 1, alerts, values, 0);
 * console.assert(n === 2 && values[0] === 1.5 && alerts[1] === 8);
 * ```
 *
 * @module
 */
import { REWARD_INDEX, REWARD_TABLE } from "../rewards.ts";
import { ESCALATE, IGNORE, INVESTIGATE } from "../sim/codes.ts";

const R_RESOLVED = REWARD_INDEX.critical_resolved, R_CASCADE = REWARD_INDEX.cascade_prevented;
const R_FP = REWARD_INDEX.false_positive_ignored, R_MISSED = REWARD_INDEX.critical_missed;
const R_UNNEEDED = REWARD_INDEX.unnecessary_investigation;
const R_WASTED = REWARD_INDEX.wasted_escalation;

/** The component credit of one environment: its step's decisions and its escalation queue. */
export class ComponentCredit {
  readonly #escalated: Int32Array;
  #head = 0;
  #tail = 0;
  #actions: ArrayLike<number> = [];
  #slotAlert: ArrayLike<number> = [];
  #off = 0;
  #slots = 0;
  #pending = 0;

  /** Credit for episodes of at most `alertCapacity` alerts. */
  constructor(alertCapacity: number) {
    this.#escalated = new Int32Array(alertCapacity);
  }

  /** Forgets the episode (call at every reset). */
  reset(): void {
    this.#head = 0;
    this.#tail = 0;
  }

  /**
   * Records the step's decisions (`actions[off + j]` on alert `slotAlert[off + j]`, -1 for an
   * empty slot) and the specialist queue's length before it; queues the new escalations.
   */
  beforeStep(
    actions: ArrayLike<number>,
    slotAlert: ArrayLike<number>,
    off: number,
    slots: number,
    pending: number,
  ): void {
    this.#actions = actions, this.#slotAlert = slotAlert, this.#off = off, this.#slots = slots;
    let added = 0;
    for (let j = 0; j < slots; j++) {
      if (slotAlert[off + j] >= 0 && actions[off + j] === ESCALATE) {
        this.#escalated[this.#tail++] = slotAlert[off + j];
        added++;
      }
    }
    this.#pending = pending + added;
  }

  /**
   * Writes one event per decided alert and per completed escalation that earned a share (alert
   * index, value times `scale`) at `outOff`; returns how many. `counts` is the step's reward
   * breakdown (events per component), `pending` the specialist queue's length after the step.
   */
  afterStep(
    counts: ArrayLike<number>,
    pending: number,
    scale: number,
    outAlert: Int32Array,
    outValue: Float64Array,
    outOff: number,
  ): number {
    const actions = this.#actions, slotAlert = this.#slotAlert, off = this.#off;
    const completed = Math.max(0, Math.min(this.#pending - pending, this.#tail - this.#head));
    const first = this.#head;
    this.#head += completed;
    let inv = 0, ign = 0, esc = 0;
    for (let j = 0; j < this.#slots; j++) {
      if (slotAlert[off + j] < 0) continue;
      const a = actions[off + j];
      if (a === INVESTIGATE) inv++;
      else if (a === IGNORE) ign++;
      else if (a === ESCALATE) esc++;
    }
    const resolved = counts[R_RESOLVED];
    const resolvedValue = resolved * REWARD_TABLE.critical_resolved +
      counts[R_CASCADE] * REWARD_TABLE.cascade_prevented;
    const byInvestigation = resolved > 0 ? Math.min(resolved, inv) / resolved : 0;
    const perInv = inv
      ? (counts[R_UNNEEDED] * REWARD_TABLE.unnecessary_investigation +
        byInvestigation * resolvedValue) / inv
      : 0;
    const perIgn = ign
      ? (counts[R_FP] * REWARD_TABLE.false_positive_ignored +
        Math.min(counts[R_MISSED], ign) * REWARD_TABLE.critical_missed) / ign
      : 0;
    const perEsc = esc ? counts[R_WASTED] * REWARD_TABLE.wasted_escalation / esc : 0;
    const perCompleted = resolved > 0 && completed > 0
      ? (1 - byInvestigation) * resolvedValue / completed
      : 0;
    let n = 0;
    for (let j = 0; j < this.#slots; j++) {
      const alert = slotAlert[off + j];
      const a = actions[off + j];
      if (alert < 0 || (a !== INVESTIGATE && a !== IGNORE && a !== ESCALATE)) continue;
      outAlert[outOff + n] = alert;
      outValue[outOff + n] = (a === INVESTIGATE ? perInv : a === IGNORE ? perIgn : perEsc) * scale;
      n++;
    }
    if (perCompleted !== 0) {
      for (let k = first; k < first + completed; k++) {
        outAlert[outOff + n] = this.#escalated[k];
        outValue[outOff + n] = perCompleted * scale;
        n++;
      }
    }
    return n;
  }
}
