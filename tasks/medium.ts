/**
 * Task `medium`: resource-constrained triage. Nine services, one investigation per tick, one
 * slow specialist (3 ticks per escalation), and incidents arriving at 0.9 per tick: on about a
 * quarter of the ticks even an agent that knows every alert's class has more critical alerts
 * queued than it may investigate, so it must rank them and hand some to the specialist.
 * Cascades are rare.
 *
 * **Grader (v1)**: the normalised environment return, shared by every task
 * (`tasks/triage_score.ts`). The episode's reward events are recounted from the hidden truth and
 * `score = clamp01((return - floor) / (ceiling - floor)) x survival`, where `floor` is what
 * neglect earns (every counted incident missed and failed: -18 each) and `ceiling` what perfect
 * triage of the same episode earns (+10 per incident, +5 more on services that can cascade, +3
 * per noise alert, nothing wasted). Every event the grader scores carries reward in the same
 * direction, and waste (-2 per needless investigation, -3 per needless escalation) costs in it.
 *
 * @example
 * ```ts
 * import { medium } from "./medium.ts";
 * console.log(medium.version, medium.world.k, medium.successThreshold);
 * ```
 *
 * @module
 */
import { DEFAULT_WORLD } from "../src/sim/world_config.ts";
import { pickServices } from "../src/sim/services.ts";
import { gradeTriage, TRIAGE_SCORING_HINT, TRIAGE_SHAPING } from "./triage_score.ts";
import type { EpisodeOutcome, GradeResult, Task } from "./task.ts";

/** How `medium` is scored, as told to agents (the LLM agent's prompt). */
const SCORING_HINT = TRIAGE_SCORING_HINT +
  " Incidents often outnumber your one investigation per tick: rank them, escalate the rest.";

/** Success threshold of `medium`. */
export const MEDIUM_THRESHOLD = 0.65;

/** The `medium` grader (v1: the normalised return, see `triage_score.ts`). */
export function gradeMedium(outcome: EpisodeOutcome): GradeResult {
  return gradeTriage(outcome, MEDIUM_THRESHOLD);
}

/** Task `medium` (version 1). */
export const medium: Task = {
  id: "medium",
  name: "Resource-constrained triage",
  description:
    "Nine services, one investigation per tick, one slow specialist, and incidents often " +
    "arriving faster than one person can fix them: spend scarce attention on the alerts that " +
    "matter and hand the rest to the specialist.",
  difficulty: "medium",
  version: 1,
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
  grade: gradeMedium,
  scoringHint: SCORING_HINT,
  shaping: TRIAGE_SHAPING,
  trainingSteps: 400_000,
};
