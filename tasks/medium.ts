/**
 * Task `medium`: resource-constrained triage. More services, one investigation per tick (two
 * at best), one slow specialist, noisier signals and flaky monitors. Cascades are rare.
 *
 * **Grader** (score = weighted resolved alerts x resource efficiency x survival):
 * - `weighted_resolved` = sum of true severity over counted incidents resolved in time, divided
 *   by the sum over all counted incidents (see `countedIncidents`: incidents still active when
 *   the horizon cut the episode are left out); 1 when there was nothing to resolve;
 * - `efficiency` = 1 - wasted / capacity: the share of the episode's investigation capacity
 *   (K per tick played) that was not wasted. Wasted resources are INVESTIGATE decisions on
 *   alerts that were not critical, plus ESCALATE decisions on them counted 1.5 each (a
 *   specialist's time is dearer); clamped to [0, 1];
 * - `survival` = share of the horizon reached.
 *
 * Worked example: incidents of severity 0.9, 0.8 and 0.7, the first two resolved:
 * weighted_resolved = 1.7 / 2.4 = 0.708. K = 2 over 40 ticks gives a capacity of 80; 20
 * investigations and 4 escalations went to non-critical alerts: wasted = 26, efficiency = 0.675.
 * Survived to the horizon: score = 0.708 x 0.675 = 0.478.
 *
 * @example
 * ```ts
 * import { medium } from "./medium.ts";
 * console.log(medium.world.k, medium.successThreshold);
 * ```
 *
 * @module
 */
import { DEFAULT_WORLD } from "../src/sim/world_config.ts";
import { pickServices } from "../src/sim/services.ts";
import { gradeTriage } from "./triage_score.ts";
import { clamp01, round4 } from "../src/numbers.ts";
import {
  countedIncidents,
  type EpisodeOutcome,
  type GradeResult,
  NO_SHAPING,
  survival,
  type Task,
} from "./task.ts";

/** Weight of one escalation in the resources spent. */
export const ESCALATION_COST = 1.5;

/** Share of the investigation capacity not wasted on alerts that were not critical. */
export function resourceEfficiency(outcome: EpisodeOutcome, k: number): {
  efficiency: number;
  wasted: number;
  capacity: number;
} {
  let wasted = 0;
  for (const a of outcome.truth.alerts) {
    if (a.kind === "critical") continue;
    if (a.decision === "INVESTIGATE") wasted += 1;
    else if (a.decision === "ESCALATE") wasted += ESCALATION_COST;
  }
  const capacity = k * Math.max(1, outcome.steps);
  return { efficiency: clamp01(1 - wasted / capacity), wasted, capacity };
}

/** The medium grader. */
export function gradeMedium(outcome: EpisodeOutcome): GradeResult {
  let total = 0, resolved = 0;
  for (const inc of countedIncidents(outcome)) {
    total += inc.true_severity;
    if (inc.status === "resolved") resolved += inc.true_severity;
  }
  const weightedResolved = total > 0 ? resolved / total : 1;
  const { efficiency, wasted, capacity } = resourceEfficiency(outcome, medium.world.k);
  const surv = survival(outcome);
  const score = weightedResolved * efficiency * surv;
  return {
    score: round4(score),
    components: {
      weighted_resolved: round4(weightedResolved),
      efficiency: round4(efficiency),
      resources_wasted: round4(wasted),
      capacity: round4(capacity),
      survival: round4(surv),
    },
    success: score >= MEDIUM_THRESHOLD,
  };
}

/** How `medium` is scored, as told to agents (the LLM agent's prompt). */
const SCORING_HINT =
  "Score: severity-weighted share of incidents resolved in time x resource efficiency " +
  "(every INVESTIGATE on a non-critical alert, and every ESCALATE on one, 1.5x, is waste) x " +
  "survival.";

/** Success threshold of `medium`. */
export const MEDIUM_THRESHOLD = 0.65;

/** Task `medium`. */
export const medium: Task = {
  id: "medium",
  name: "Resource-constrained triage",
  description:
    "Nine services, one investigation per tick, one slow specialist, and incidents often " +
    "arriving faster than one person can fix them: spend scarce attention on the alerts that " +
    "matter and hand the rest to the specialist.",
  difficulty: "medium",
  successThreshold: MEDIUM_THRESHOLD,
  world: {
    ...DEFAULT_WORLD,
    horizon: 40,
    k: 1,
    specialists: 1,
    escalationTicks: 3,
    services: pickServices([
      "web-frontend",
      "api-gateway",
      "auth",
      "orders",
      "payments",
      "search",
      "notifications",
      "cache",
      "db-primary",
    ]),
    incidentRate: 0.9,
    noiseRate: 3,
    transientRate: 1,
    symptomProb: 0.3,
    rootMildness: 0.2,
    noiseLoudness: 0.15,
    failAfter: 6,
    cascadeScale: 0.3,
  },
  grade: (outcome) => gradeTriage(outcome, MEDIUM_THRESHOLD),
  scoringHint: SCORING_HINT,
  // 16 incidents of mean severity 0.85; capacity 2 x 40
  shaping: {
    ...NO_SHAPING,
    resolved: 1 / 13.8,
    incidentValue: "severity",
    wasteInvestigate: -0.95 / 80,
    wasteEscalate: -1.5 * 0.95 / 80,
  },
};
