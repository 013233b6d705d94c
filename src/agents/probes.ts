/**
 * One-line probes: the simplest policies a benchmark must not reward. Each is a rule a person
 * could state in one sentence without looking at the task. The calibration tests check that none
 * of them scores above the seed's rule baseline (anti-gaming checks).
 *
 * - `top-k-confidence`: investigate the K most confident alerts every tick, leave the rest;
 * - `top-k-severity`: investigate the K most severe alerts, ignore everything else;
 * - `escalate-loudest`: escalate the most severe alert each tick, ignore the rest;
 * - `ignore-unsure`: ignore every alert below 0.5 confidence, investigate the K most severe of
 *   the rest, leave the others.
 *
 * @example
 * ```ts
 * import { PROBE_NAMES, ProbeAgent } from "./probes.ts";
 * const probe = new ProbeAgent("top-k-confidence");
 * console.log(PROBE_NAMES.length, probe.name);
 * ```
 *
 * @module
 */
import type { Action, ActionType, Alert, Decision, Observation } from "../models.ts";
import type { Agent } from "./agent.ts";

/** The probes' names. */
export const PROBE_NAMES = [
  "top-k-confidence",
  "top-k-severity",
  "escalate-loudest",
  "ignore-unsure",
] as const;

/** One of {@link PROBE_NAMES}. */
export type ProbeName = typeof PROBE_NAMES[number];

const byConfidence = (x: Alert, y: Alert) => y.confidence - x.confidence;
const bySeverity = (x: Alert, y: Alert) => y.visible_severity - x.visible_severity;

/** A one-line probe policy. */
export class ProbeAgent implements Agent {
  /** Agent name (the probe's name). */
  readonly name: ProbeName;

  /** The probe called `name`. */
  constructor(name: ProbeName) {
    this.name = name;
  }

  /** Applies the probe's one rule to the queue. */
  act(observation: Observation): Action {
    const k = observation.investigation_budget;
    const decide = (alerts: Alert[], pick: (a: Alert, i: number) => ActionType): Decision[] =>
      alerts.map((a, i) => ({ alert_id: a.id, action_type: pick(a, i) }));
    const alerts = [...observation.alerts];
    switch (this.name) {
      case "top-k-confidence":
        return {
          decisions: decide(alerts.sort(byConfidence), (_, i) => i < k ? "INVESTIGATE" : "DELAY"),
        };
      case "top-k-severity":
        return {
          decisions: decide(alerts.sort(bySeverity), (_, i) => i < k ? "INVESTIGATE" : "IGNORE"),
        };
      case "escalate-loudest":
        return {
          decisions: decide(alerts.sort(bySeverity), (_, i) => i === 0 ? "ESCALATE" : "IGNORE"),
        };
      case "ignore-unsure": {
        const sure = alerts.filter((a) => a.confidence >= 0.5).sort(bySeverity);
        const unsure = alerts.filter((a) => a.confidence < 0.5);
        return {
          decisions: [
            ...decide(unsure, () => "IGNORE"),
            ...decide(sure, (_, i) => i < k ? "INVESTIGATE" : "DELAY"),
          ],
        };
      }
    }
  }
}
