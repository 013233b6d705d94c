/**
 * A linear triage rule: every queued alert gets a score, a weighted sum of what the observation
 * shows about it (visible severity, confidence, their product, age, alert type, and the
 * service's place in the public dependency graph), and fitted thresholds turn scores into
 * decisions: the top scores above `investigateAbove` are investigated (up to the budget), the
 * next above `escalateAbove` are escalated while no escalation is pending, scores below
 * `ignoreBelow` are ignored, the rest delayed. Weights and thresholds are fitted per task on
 * training seeds by `scripts/tasks/tune_baselines.ts`; it reads observations only.
 *
 * @example
 * ```ts
 * import { LINEAR_FEATURES, LinearAgent } from "./linear.ts";
 * import { SERVICE_CATALOG } from "../sim/services.ts";
 * const weights = LINEAR_FEATURES.map((f) => (f === "sev_x_conf" ? 1 : 0));
 * const agent = new LinearAgent(
 *   { weights, investigateAbove: 0.3, escalateAbove: 2, ignoreBelow: 0.2 },
 *   SERVICE_CATALOG,
 * );
 * console.log(agent.name);
 * ```
 *
 * @module
 */
import { type Action, ALERT_TYPES, type Decision, type Observation } from "../models.ts";
import { dependentsOf, type ServiceSpec } from "../sim/services.ts";
import type { Agent } from "./agent.ts";

/** The features of one alert, in weight order. */
export const LINEAR_FEATURES: readonly string[] = [
  "bias",
  "severity",
  "confidence",
  "sev_x_conf",
  "age",
  "dependents",
  "depends_on",
  ...ALERT_TYPES.map((t) => `type_${t}`),
];

/** Weights and thresholds of a {@link LinearAgent}. */
export interface LinearParams {
  /** One weight per entry of {@link LINEAR_FEATURES}. */
  weights: number[];
  /** Investigate (up to the budget, best first) at or above this score. */
  investigateAbove: number;
  /** Escalate (one at a time, while none is pending) at or above this score. */
  escalateAbove: number;
  /** Ignore below this score. */
  ignoreBelow: number;
}

/** A linear score over observation features with fitted thresholds. */
export class LinearAgent implements Agent {
  /** Agent name. */
  readonly name: string = "linear";
  /** The weights and thresholds. */
  readonly params: LinearParams;
  readonly #dependents: Map<string, number>;
  readonly #dependsOn: Map<string, number>;

  /** The rule for an estate of `services` (the public dependency graph). */
  constructor(params: LinearParams, services: readonly ServiceSpec[]) {
    if (params.weights.length !== LINEAR_FEATURES.length) {
      throw new RangeError(
        `linear weights: expected ${LINEAR_FEATURES.length} values, got ${params.weights.length}`,
      );
    }
    this.params = params;
    const deps = dependentsOf(services);
    this.#dependents = new Map(services.map((s, i) => [s.name, deps[i].length]));
    this.#dependsOn = new Map(services.map((s) => [s.name, s.dependsOn.length]));
  }

  /** The score of one alert. */
  score(alert: Observation["alerts"][number]): number {
    const w = this.params.weights;
    const t = 7 + ALERT_TYPES.indexOf(alert.alert_type);
    return w[0] + w[1] * alert.visible_severity + w[2] * alert.confidence +
      w[3] * alert.visible_severity * alert.confidence + w[4] * Math.min(alert.age, 10) / 10 +
      w[5] * (this.#dependents.get(alert.service) ?? 0) / 4 +
      w[6] * (this.#dependsOn.get(alert.service) ?? 0) / 4 + w[t];
  }

  /** Investigate the best, escalate the next, ignore the worst, delay the rest. */
  act(observation: Observation): Action {
    const p = this.params;
    const ranked = observation.alerts.map((a) => ({ a, s: this.score(a) }))
      .sort((x, y) => y.s - x.s);
    let budget = observation.investigation_budget;
    let escalate = observation.escalations_pending === 0;
    const decisions: Decision[] = [];
    for (const { a, s } of ranked) {
      let action: Decision["action_type"] = "DELAY";
      if (s >= p.investigateAbove && budget > 0) {
        action = "INVESTIGATE";
        budget--;
      } else if (s >= p.escalateAbove && escalate) {
        action = "ESCALATE";
        escalate = false;
      } else if (s < p.ignoreBelow) {
        action = "IGNORE";
      }
      decisions.push({ alert_id: a.id, action_type: action });
    }
    return { decisions };
  }
}
