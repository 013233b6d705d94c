/**
 * Reads the hidden truth out of a {@link World} into the wire form ({@link Truth}): every alert
 * with its class and outcome, every incident, and the service graph. Used by `state()`, graders
 * and recordings; never on the hot path.
 *
 * @example
 * ```ts
 * import { DEFAULT_WORLD } from "./world_config.ts";
 * import { World } from "./world.ts";
 * import { readTruth } from "./truth.ts";
 * const world = new World(DEFAULT_WORLD);
 * world.reset(3);
 * console.assert(readTruth(world).alerts.length === world.alertCount);
 * ```
 *
 * @module
 */
import {
  ACTION_TYPES,
  ALERT_KINDS,
  ALERT_OUTCOMES,
  ALERT_TYPES,
  type AlertTruth,
  type IncidentTruth,
  type ServiceTruth,
  type Truth,
} from "../models.ts";
import { round4 } from "../numbers.ts";
import { ACTIVE, RESOLVED, type World } from "./world.ts";

/** Ids of the first alert numbers, built in order on first use (every step asks for them). */
const IDS: string[] = [];
/** Alert numbers below this have their id cached. */
const CACHED_IDS = 1 << 16;

/** The wire id of alert number `index` (`A1` is the first alert of an episode). */
export function alertId(index: number): string {
  if (index >= 0 && index < CACHED_IDS && (index | 0) === index) {
    while (IDS.length <= index) IDS.push(`A${IDS.length + 1}`);
    return IDS[index];
  }
  return `A${index + 1}`;
}

/** The alert number of a wire id, or -1 if the id is not of the form `A<n>`. */
export function alertIndex(id: string): number {
  if (id.length < 2 || id.length > 12 || id.charCodeAt(0) !== 65) return -1;
  let n = 0;
  for (let i = 1; i < id.length; i++) {
    const c = id.charCodeAt(i) - 48;
    if (c < 0 || c > 9 || (i === 1 && c === 0)) return -1;
    n = n * 10 + c;
  }
  return n - 1;
}

/** The hidden truth about alert number `a`. */
export function alertTruth(world: World, a: number): AlertTruth {
  const d = world.aDecision[a];
  return {
    id: alertId(a),
    visible_severity: round4(world.aVisSev[a]),
    confidence: round4(world.aConf[a]),
    alert_type: ALERT_TYPES[world.aType[a]],
    service: world.config.services[world.aService[a]].name,
    kind: ALERT_KINDS[world.aKind[a]],
    true_severity: round4(world.aTrueSev[a]),
    arrived_tick: world.aArrived[a],
    incident_id: world.aIncident[a],
    outcome: ALERT_OUTCOMES[world.aOutcome[a]],
    outcome_tick: world.aOutcomeTick[a],
    decision: d < 0 ? null : ACTION_TYPES[d],
  };
}

/** The service graph with its hidden traits and cascade probabilities. */
export function serviceTruth(world: World): ServiceTruth[] {
  const cfg = world.config;
  return cfg.services.map((s, i) => ({
    name: s.name,
    depends_on: [...s.dependsOn],
    flakiness: s.flakiness,
    fragility: s.fragility,
    future_failures: Object.fromEntries(
      world.dependents[i].map((d) => [
        cfg.services[d].name,
        Math.min(1, s.cascade * cfg.cascadeScale),
      ]),
    ),
  }));
}

/** Everything the world knows and the agent does not. */
export function readTruth(world: World): Truth {
  const alerts: AlertTruth[] = [];
  for (let a = 0; a < world.alertCount; a++) alerts.push(alertTruth(world, a));
  const incidents: IncidentTruth[] = [];
  for (let i = 0; i < world.incidentCount; i++) {
    const status = world.iStatus[i];
    const s = world.iService[i];
    incidents.push({
      id: i,
      service: world.config.services[s].name,
      root_alert_id: alertId(world.iRoot[i]),
      started_tick: world.iStart[i],
      status: status === ACTIVE ? "active" : status === RESOLVED ? "resolved" : "failed",
      ended_tick: world.iEnd[i],
      cascade_parent: world.iParent[i],
      dependents: world.dependents[s].length,
      true_severity: round4(world.iSev[i]),
    });
  }
  return {
    alerts,
    incidents,
    services: serviceTruth(world),
    damage: round4(world.damage),
    failure_threshold: world.config.failureThreshold,
    failures: world.failures,
  };
}
