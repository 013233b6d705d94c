/**
 * Task `hard`: cascading failure prevention. The whole estate, a tight budget, root causes that
 * look mild while their symptoms shout, and failures that spread along the dependency graph.
 *
 * **Grader** (score = (prevented failures - instability penalty) / max possible, x survival):
 * each counted incident (see `countedIncidents`) has a weight `w = 1 + sum of the cascade
 * probabilities into its dependents` (the failures it would cause: itself plus the expected
 * cascade, from the hidden `future_failures`).
 * - `prevented` = sum of w over incidents resolved before they failed;
 * - `max_possible` = sum of w over all counted incidents (a cascade adds its incidents too: the
 *   more an agent lets spread, the more it had to prevent);
 * - `instability` = 0.5 x sum of w over incidents that failed, plus 0.5 x damage / threshold;
 * - score = clamp((prevented - instability) / max_possible, 0, 1) x survival; 1 x survival when
 *   there was nothing to prevent.
 *
 * Worked example: three incidents of weight 2.6 (db-primary), 1.0 and 1.0; db-primary and one
 * other are resolved, one fails; damage ended at 12 of 60. prevented = 3.6, max = 4.6,
 * instability = 0.5 + 0.1 = 0.6, score = (3.6 - 0.6) / 4.6 = 0.652.
 *
 * @example
 * ```ts
 * import { hard } from "./hard.ts";
 * console.log(hard.world.k, hard.successThreshold);
 * ```
 *
 * @module
 */
import type { Truth } from "../src/models.ts";
import { DEFAULT_WORLD } from "../src/sim/world_config.ts";
import { SERVICE_CATALOG } from "../src/sim/services.ts";
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

/** Weight of an incident: 1 plus the expected number of failures it would cascade into. */
export function incidentWeight(truth: Truth, service: string): number {
  const s = truth.services.find((x) => x.name === service);
  let w = 1;
  for (const p of Object.values(s?.future_failures ?? {})) w += p;
  return w;
}

/** The hard grader. */
export function gradeHard(outcome: EpisodeOutcome): GradeResult {
  const truth = outcome.truth;
  let prevented = 0, max = 0, failed = 0;
  for (const inc of countedIncidents(outcome)) {
    const w = incidentWeight(truth, inc.service);
    max += w;
    if (inc.status === "resolved") prevented += w;
    else if (inc.status === "failed") failed += w;
  }
  const damageShare = Math.min(1, truth.damage / truth.failure_threshold);
  const instability = 0.5 * failed + 0.5 * damageShare;
  const surv = survival(outcome);
  const raw = max > 0 ? clamp01((prevented - instability) / max) : 1;
  const score = raw * surv;
  return {
    score: round4(score),
    components: {
      prevented: round4(prevented),
      max_possible: round4(max),
      failed_weight: round4(failed),
      damage_share: round4(damageShare),
      instability: round4(instability),
      survival: round4(surv),
    },
    success: score >= HARD_THRESHOLD,
  };
}

/** How `hard` is scored, as told to agents (the LLM agent's prompt). */
const SCORING_HINT =
  "Score: failures prevented, weighted by how far each failure would cascade, minus an " +
  "instability penalty for failed incidents and accumulated damage, x survival. Root causes " +
  "often look milder than the symptom alerts they cause.";

/** Success threshold of `hard`. */
export const HARD_THRESHOLD = 0.6;

/** Task `hard`. */
export const hard: Task = {
  id: "hard",
  name: "Cascading failure prevention",
  description:
    "Twelve services with a dependency graph, one investigation per tick, mild-looking root " +
    "causes under loud symptoms, and failures that cascade: find and fix the root in time.",
  difficulty: "hard",
  successThreshold: HARD_THRESHOLD,
  world: {
    ...DEFAULT_WORLD,
    horizon: 50,
    k: 1,
    specialists: 1,
    escalationTicks: 2,
    services: SERVICE_CATALOG,
    incidentRate: 0.9,
    noiseRate: 3,
    transientRate: 1,
    symptomProb: 0.3,
    rootMildness: 0.25,
    symptomLoudness: 0.2,
    noiseLoudness: 0.3,
    cascadeScale: 0.6,
    failAfter: 6,
    failureThreshold: 150,
  },
  grade: (outcome) => gradeTriage(outcome, HARD_THRESHOLD),
  scoringHint: SCORING_HINT,
  // max possible ~42 (incident weights incl. cascades); threshold 60
  shaping: {
    ...NO_SHAPING,
    resolved: 1 / 42,
    failed: -0.5 / 42,
    incidentValue: "weight",
    damage: -0.5 / 60 / 42,
  },
};
