/**
 * The small integers the world stores in its typed arrays: decision, kind, outcome and incident
 * status codes, reward component indices (derived from `src/rewards.ts`), and the lookups from names to codes. Each order follows
 * the matching list in `models.ts`.
 *
 * @example
 * ```ts
 * import { DELAY, REWARD_WEIGHTS } from "./codes.ts";
 * console.assert(DELAY === 3 && REWARD_WEIGHTS[0] === 10);
 * ```
 *
 * @module
 */
import { REWARD_COMPONENTS, REWARD_INDEX, REWARD_WEIGHTS } from "../rewards.ts";
/** Decision code of INVESTIGATE (codes follow ACTION_TYPES). */
export const INVESTIGATE = 0;
/** Decision code of IGNORE. */
export const IGNORE = 1;
/** Decision code of ESCALATE. */
export const ESCALATE = 2;
/** Decision code of DELAY. */
export const DELAY = 3;
/** Kind code of a critical (root-cause) alert (codes follow ALERT_KINDS). */
export const CRITICAL = 0;
/** Kind code of a symptom alert. */
export const SYMPTOM = 1;
/** Kind code of a transient alert. */
export const TRANSIENT = 2;
/** Kind code of a noise alert. */
export const NOISE = 3;
/** Outcome code: still queued (codes follow ALERT_OUTCOMES). */
export const PENDING = 0;
/** Outcome code: investigated. */
export const INVESTIGATED = 1;
/** Outcome code: ignored. */
export const IGNORED = 2;
/** Outcome code: escalated, waiting for a specialist. */
export const ESCALATED = 3;
/** Outcome code: escalation completed. */
export const ESCALATION_RESOLVED = 4;
/** Outcome code: a transient healed by itself. */
export const SELF_RESOLVED = 5;
/** Outcome code: noise or symptom expired from the queue. */
export const EXPIRED = 6;
/** Outcome code: symptom cleared because its incident closed. */
export const CLEARED = 7;
/** Outcome code: its incident failed while it waited. */
export const FAILED = 8;
/** Outcome code: arrived at a full queue. */
export const DROPPED = 9;
/** Incident status: active. */
export const ACTIVE = 0;
/** Incident status: resolved in time. */
export const RESOLVED = 1;
/** Incident status: the service failed. */
export const FAILED_INCIDENT = 2;
/** Reward component weights, in REWARD_COMPONENTS order (the table is `src/rewards.ts`). */
export { REWARD_WEIGHTS };
/** Index of the `critical_resolved` component. */
export const R_RESOLVED: number = REWARD_INDEX.critical_resolved;
/** Index of the `cascade_prevented` component. */
export const R_CASCADE: number = REWARD_INDEX.cascade_prevented;
/** Index of the `false_positive_ignored` component. */
export const R_FP: number = REWARD_INDEX.false_positive_ignored;
/** Index of the `unnecessary_investigation` component. */
export const R_UNNEEDED: number = REWARD_INDEX.unnecessary_investigation;
/** Index of the `wasted_escalation` component. */
export const R_WASTED: number = REWARD_INDEX.wasted_escalation;
/** Index of the `critical_missed` component. */
export const R_MISSED: number = REWARD_INDEX.critical_missed;
/** Index of the `system_failure` component. */
export const R_FAILURE: number = REWARD_INDEX.system_failure;
/** Number of reward components. */
export const REWARD_COUNT: number = REWARD_COMPONENTS.length;

/** Alert type name to code (ALERT_TYPES order). */
export const TYPE_INDEX: Readonly<Record<string, number>> = {
  CPU: 0,
  MEMORY: 1,
  DISK: 2,
  NETWORK: 3,
  APPLICATION: 4,
  SECURITY: 5,
};

/** Alert kind name to code (ALERT_KINDS order). */
export const KIND_INDEX: Readonly<Record<string, number>> = {
  critical: 0,
  symptom: 1,
  transient: 2,
  noise: 3,
};
