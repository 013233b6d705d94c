/**
 * The oracle: reads the hidden truth and plays the obvious best response. It is the upper
 * bound used to sanity-check graders, not a fair agent.
 *
 * Roots of active incidents are investigated (oldest first, up to the budget); roots beyond the
 * budget are escalated while a specialist is free soon enough; noise is ignored; symptoms and
 * transients are ignored too (they heal or clear on their own).
 *
 * @example
 * ```ts
 * import { OracleAgent } from "./oracle.ts";
 * const agent = new OracleAgent();
 * ```
 *
 * @module
 */
import type { Action, AlertTruth, Decision, Observation } from "../models.ts";
import type { Agent, AgentContext } from "./agent.ts";

/** Plays with full knowledge of every alert's hidden class. */
export class OracleAgent implements Agent {
  /** Agent name. */
  readonly name: string = "oracle";
  /** The oracle is the one agent handed the hidden truth. */
  readonly readsTruth = true;

  /** Investigates or escalates roots, ignores everything else. */
  act(observation: Observation, context: AgentContext): Action {
    const truth = context.state().truth;
    const byId = new Map<string, AlertTruth>();
    for (const t of truth?.alerts ?? []) byId.set(t.id, t);
    let budget = observation.investigation_budget;
    let escalations = observation.escalations_pending;
    const roots = observation.alerts.filter((a) => byId.get(a.id)?.kind === "critical")
      .sort((x, y) => y.age - x.age);
    const decisions: Decision[] = [];
    for (const a of roots) {
      if (budget > 0) {
        budget--;
        decisions.push({ alert_id: a.id, action_type: "INVESTIGATE" });
      } else if (escalations < 1) {
        escalations++;
        decisions.push({ alert_id: a.id, action_type: "ESCALATE" });
      }
    }
    for (const a of observation.alerts) {
      if (byId.get(a.id)?.kind !== "critical") {
        decisions.push({ alert_id: a.id, action_type: "IGNORE" });
      }
    }
    return { decisions };
  }
}
