/**
 * The reward table: what each kind of event is worth to the agent, in one place, keyed by
 * component name. The environment's reward for a step is the sum over components of (events of
 * that kind this step) x (its weight); the per-component breakdown travels with every step.
 *
 * The order of {@link REWARD_COMPONENTS} is the order of the typed-array encodings (the world's
 * per-step counters); every index and count is derived from it, never written as a number.
 *
 * @example
 * ```ts
 * import { REWARD_COMPONENTS, REWARD_INDEX, REWARD_TABLE, REWARD_WEIGHTS } from "./rewards.ts";
 * console.assert(REWARD_TABLE.critical_resolved === 10);
 * console.assert(REWARD_WEIGHTS[REWARD_INDEX.system_failure] === -10);
 * console.assert(REWARD_WEIGHTS.length === REWARD_COMPONENTS.length);
 * ```
 *
 * @module
 */

/** Weight of each reward component: the seed's reward table plus an escalation cost. */
export const REWARD_TABLE = {
  /** A critical alert investigated, or escalated and resolved: its incident is closed. */
  critical_resolved: 10,
  /** The resolved incident was on a service whose failure could have cascaded. */
  cascade_prevented: 5,
  /** A noise alert (false positive) explicitly ignored. */
  false_positive_ignored: 3,
  /** An INVESTIGATE spent on an alert that was not critical. */
  unnecessary_investigation: -2,
  /** An ESCALATE spent on an alert that was not critical (a specialist's time wasted). */
  wasted_escalation: -3,
  /** A critical alert ignored, or still waiting when its service failed. */
  critical_missed: -8,
  /** A service failed (including failures cascaded from another service). */
  system_failure: -10,
} as const;

/** Names of the reward components, in the order used by typed-array encodings. */
export const REWARD_COMPONENTS = Object.keys(REWARD_TABLE) as readonly RewardComponent[];

/** One reward component's name. */
export type RewardComponent = keyof typeof REWARD_TABLE;

/** Weight of each component, in {@link REWARD_COMPONENTS} order. */
export const REWARD_WEIGHTS: readonly number[] = REWARD_COMPONENTS.map((c) => REWARD_TABLE[c]);

/** Position of each component in {@link REWARD_COMPONENTS} (and in typed-array encodings). */
export const REWARD_INDEX: Readonly<Record<RewardComponent, number>> = Object.fromEntries(
  REWARD_COMPONENTS.map((c, i) => [c, i]),
) as Record<RewardComponent, number>;

/** What each component pays for, in a phrase an agent (or a person) can act on. */
export const REWARD_MEANINGS: Readonly<Record<RewardComponent, string>> = {
  critical_resolved: "a critical alert's incident resolved (investigated, or escalation done)",
  cascade_prevented: "bonus when the resolved service could have cascaded into others",
  false_positive_ignored: "a noise alert ignored",
  unnecessary_investigation: "INVESTIGATE on an alert that was not critical",
  wasted_escalation: "ESCALATE on an alert that was not critical",
  critical_missed: "a critical alert ignored, or still waiting when its service failed",
  system_failure: "a service failed (unhandled incident ran out of time)",
};
