/**
 * Constant policies (always INVESTIGATE / IGNORE / ESCALATE / DELAY), kept as anti-gaming
 * probes: no grader may rank any of them above the rule baseline. `always INVESTIGATE`
 * investigates the oldest alerts up to the budget and delays the rest (the budget is a hard
 * limit of the environment).
 *
 * @example
 * ```ts
 * import { ConstantAgent } from "./constant.ts";
 * const probe = new ConstantAgent("IGNORE");
 * ```
 *
 * @module
 */
import type { Action, ActionType, Decision, Observation } from "../models.ts";
import type { Agent } from "./agent.ts";

/** Always takes the same decision. */
export class ConstantAgent implements Agent {
  /** Agent name, e.g. `always-ignore`. */
  readonly name: string;
  /** The decision taken for every alert. */
  readonly actionType: ActionType;

  /** Creates the probe for one decision type. */
  constructor(actionType: ActionType) {
    this.actionType = actionType;
    this.name = `always-${actionType.toLowerCase()}`;
  }

  /** The same decision for every alert (INVESTIGATE capped at the budget). */
  act(observation: Observation): Action {
    let budget = observation.investigation_budget;
    const decisions: Decision[] = observation.alerts.map((a) => {
      let t = this.actionType;
      if (t === "INVESTIGATE" && budget-- <= 0) t = "DELAY";
      return { alert_id: a.id, action_type: t };
    });
    return { decisions };
  }
}
