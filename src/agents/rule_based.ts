/**
 * The seed's rule-based threshold baseline: rank alerts by visible severity x confidence,
 * escalate the very confident, very severe ones, investigate the top K of the rest, ignore the
 * low ones and delay everything else.
 *
 * @example
 * ```ts
 * import { RuleBasedAgent } from "./rule_based.ts";
 * const agent = new RuleBasedAgent({ ignoreBelow: 0.2 });
 * ```
 *
 * @module
 */
import type { Action, Decision, Observation } from "../models.ts";
import type { Agent } from "./agent.ts";

/** Thresholds of {@link RuleBasedAgent}. */
export interface RuleThresholds {
  /** Escalate when visible severity is at least this ... */
  escalateSeverity: number;
  /** ... and confidence at least this. */
  escalateConfidence: number;
  /** Ignore when severity x confidence is below this. */
  ignoreBelow: number;
  /** Investigate (up to the budget) when severity x confidence is at least this. */
  investigateAbove: number;
}

/** Default thresholds, chosen by hand as a sensible on-call rule (not tuned on the tasks). */
export const DEFAULT_RULE_THRESHOLDS: RuleThresholds = {
  escalateSeverity: 0.85,
  escalateConfidence: 0.8,
  ignoreBelow: 0.2,
  investigateAbove: 0.3,
};

/** Severity x confidence thresholds, as on-call teams write them. */
export class RuleBasedAgent implements Agent {
  /** Agent name. */
  readonly name: string;
  /** The thresholds in use. */
  readonly thresholds: RuleThresholds;

  /**
   * Creates the agent; unspecified thresholds take {@link DEFAULT_RULE_THRESHOLDS}. `name`
   * tells a tuned variant apart (`rules-tuned`).
   */
  constructor(thresholds: Partial<RuleThresholds> = {}, name = "rules") {
    this.thresholds = { ...DEFAULT_RULE_THRESHOLDS, ...thresholds };
    this.name = name;
  }

  /** Escalate, investigate the top K, ignore the low, delay the rest. */
  act(observation: Observation): Action {
    const t = this.thresholds;
    const ranked = observation.alerts
      .map((a) => ({ a, score: a.visible_severity * a.confidence }))
      .sort((x, y) => y.score - x.score);
    let budget = observation.investigation_budget;
    const decisions: Decision[] = [];
    for (const { a, score } of ranked) {
      let action: Decision["action_type"] = "DELAY";
      if (a.visible_severity >= t.escalateSeverity && a.confidence >= t.escalateConfidence) {
        action = "ESCALATE";
      } else if (score >= t.investigateAbove && budget > 0) {
        action = "INVESTIGATE";
        budget--;
      } else if (score < t.ignoreBelow) {
        action = "IGNORE";
      }
      decisions.push({ alert_id: a.id, action_type: action });
    }
    return { decisions };
  }
}
