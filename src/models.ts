/**
 * The wire types of alert-triage as TypeScript types, and the enumerations they use. Their zod
 * schemas (which validate them at the edges and generate their JSON Schemas) are in
 * `schemas.ts`, checked against these types at compile time.
 *
 * @example
 * ```ts
 * import type { Action } from "./models.ts";
 * const action: Action = { alert_id: "A1", action_type: "INVESTIGATE" };
 * ```
 *
 * @module
 */

/** The six alert categories, in the order used by typed-array encodings. */
export const ALERT_TYPES = ["CPU", "MEMORY", "DISK", "NETWORK", "APPLICATION", "SECURITY"] as const;
/** One of {@link ALERT_TYPES}. */
export type AlertType = typeof ALERT_TYPES[number];

/** The four triage decisions, in the order used by typed-array encodings (0..3). */
export const ACTION_TYPES = ["INVESTIGATE", "IGNORE", "ESCALATE", "DELAY"] as const;
/** One of {@link ACTION_TYPES}. */
export type ActionType = typeof ACTION_TYPES[number];

/** The visible part of one alert. */
export interface Alert {
  /** Alert identifier, unique within the episode (e.g. `A17`). */
  id: string;
  /** Noisy severity as reported by the monitor, 0..1. */
  visible_severity: number;
  /** Detection confidence as reported by the monitor, 0..1. */
  confidence: number;
  /** Alert category. */
  alert_type: AlertType;
  /** The service the alert fires on. */
  service: string;
  /** Ticks since the alert arrived. */
  age: number;
}

/** What the agent sees at the start of a tick. */
export interface Observation {
  /** Alerts waiting for a decision, oldest first. */
  alerts: Alert[];
  /** Current system resource utilisation, 0..1. */
  system_load: number;
  /** Number of alerts waiting for a decision. */
  queue_length: number;
  /** Ticks left before the episode is truncated. */
  time_remaining: number;
  /** INVESTIGATE decisions allowed this tick (K, one less under heavy load). */
  investigation_budget: number;
  /** Escalations waiting for or held by specialists. */
  escalations_pending: number;
  /** Tick number, 0 at reset. */
  tick: number;
}

/** One triage decision: what to do with one alert. */
export interface Decision {
  /** The alert decided on. */
  alert_id: string;
  /** What to do with it. */
  action_type: ActionType;
}

/** A step's action: the decisions for one tick, or a single decision as shorthand. */
export type Action =
  | (Decision & { metadata?: Record<string, unknown> })
  | { decisions: Decision[]; metadata?: Record<string, unknown> };

export { REWARD_COMPONENTS, type RewardComponent } from "./rewards.ts";
import type { RewardComponent } from "./rewards.ts";

/** A step's reward with its per-component breakdown. */
export interface Reward {
  /** Total reward of the step. */
  value: number;
  /** Reward contributed by each component this step. */
  components: Record<RewardComponent, number>;
}

/** The hidden class of an alert. */
export const ALERT_KINDS = ["critical", "symptom", "transient", "noise"] as const;
/** One of {@link ALERT_KINDS}. */
export type AlertKind = typeof ALERT_KINDS[number];

/** How an alert left the queue (or `pending` if it has not). */
export const ALERT_OUTCOMES = [
  "pending",
  "investigated",
  "ignored",
  "escalated",
  "escalation_resolved",
  "self_resolved",
  "expired",
  "cleared",
  "failed",
  "dropped",
] as const;
/** One of {@link ALERT_OUTCOMES}. */
export type AlertOutcome = typeof ALERT_OUTCOMES[number];

/** The hidden truth about one alert, revealed in {@link State}. */
export interface AlertTruth extends Omit<Alert, "age"> {
  /** Hidden class: the root of an incident, a symptom of one, a self-healing blip, or noise. */
  kind: AlertKind;
  /** Actual criticality, 0..1. */
  true_severity: number;
  /** Tick the alert arrived. */
  arrived_tick: number;
  /** Incident this alert belongs to, -1 for none. */
  incident_id: number;
  /** How the alert left the queue. */
  outcome: AlertOutcome;
  /** Tick of the outcome, -1 while pending. */
  outcome_tick: number;
  /** The agent's last explicit decision, null if none. */
  decision: ActionType | null;
}

/** The hidden truth about one incident (a failing service). */
export interface IncidentTruth {
  /** Incident number within the episode. */
  id: number;
  /** The failing service. */
  service: string;
  /** Id of the root-cause alert. */
  root_alert_id: string;
  /** Tick the incident started. */
  started_tick: number;
  /** Whether it is still active, was resolved in time, or failed. */
  status: "active" | "resolved" | "failed";
  /** Tick it was resolved or failed, -1 while active. */
  ended_tick: number;
  /** Incident whose failure caused this one, -1 for none. */
  cascade_parent: number;
  /** Services that a failure here could cascade into. */
  dependents: number;
  /** Actual criticality, 0..1. */
  true_severity: number;
}

/** One service of the hidden dependency graph. */
export interface ServiceTruth {
  /** Service name. */
  name: string;
  /** Services this one depends on (a failure there can cascade here). */
  depends_on: string[];
  /** Relative rate of noise alerts on this service. */
  flakiness: number;
  /** Relative rate at which incidents start here. */
  fragility: number;
  /** Probability that a failure here cascades into each dependent service. */
  future_failures: Record<string, number>;
}

/** The hidden truth of an episode. */
export interface Truth {
  /** Every alert that arrived, with its class and outcome. */
  alerts: AlertTruth[];
  /** Every incident that started. */
  incidents: IncidentTruth[];
  /** The service dependency graph. */
  services: ServiceTruth[];
  /** Accumulated damage. */
  damage: number;
  /** Damage at which the episode terminates. */
  failure_threshold: number;
  /** Number of system failures so far. */
  failures: number;
}

/** The environment state (OpenEnv `State`: `episode_id`, `step_count`, plus extras). */
export interface State {
  /** Episode identifier, null before the first reset. */
  episode_id: string | null;
  /** Steps taken in the episode. */
  step_count: number;
  /** Task being played. */
  task_id: string;
  /** Seed of the episode (replaying it with the same actions gives the same trajectory). */
  seed: number | null;
  /** Whether the episode has ended. */
  done: boolean;
  /** Sum of rewards so far. */
  total_reward: number;
  /** Hidden truth, for debugging and graders; null before the first reset. */
  truth: Truth | null;
}
