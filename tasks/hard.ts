/**
 * Task `hard`: cascading failure prevention. The whole estate (twelve services and their
 * dependency graph), one investigation per tick, incidents at 0.9 per tick, root causes that
 * look milder than the symptoms they raise on dependent services, and failures that spread along
 * the graph. The budget binds on about a quarter of the ticks even for an agent that knows the
 * truth.
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
 * import { hard } from "./hard.ts";
 * console.log(hard.version, hard.world.k, hard.successThreshold);
 * ```
 *
 * @module
 */
import { DEFAULT_WORLD } from "../src/sim/world_config.ts";
import { SERVICE_CATALOG } from "../src/sim/services.ts";
import { gradeTriage, TRIAGE_SCORING_HINT, TRIAGE_SHAPING } from "./triage_score.ts";
import type { EpisodeOutcome, GradeResult, Task } from "./task.ts";

/** How `hard` is scored, as told to agents (the LLM agent's prompt). */
const SCORING_HINT = TRIAGE_SCORING_HINT +
  " Root causes often look milder than the symptom alerts they raise on dependent services.";

/** Success threshold of `hard`. */
export const HARD_THRESHOLD = 0.6;

/** The `hard` grader (v1: the normalised return, see `triage_score.ts`). */
export function gradeHard(outcome: EpisodeOutcome): GradeResult {
  return gradeTriage(outcome, HARD_THRESHOLD);
}

/** Task `hard` (version 1). */
export const hard: Task = {
  id: "hard",
  name: "Cascading failure prevention",
  description:
    "Twelve services with a dependency graph, one investigation per tick, mild-looking root " +
    "causes under loud symptoms, and failures that cascade: find and fix the root in time.",
  difficulty: "hard",
  version: 1,
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
  grade: gradeHard,
  scoringHint: SCORING_HINT,
  shaping: TRIAGE_SHAPING,
  trainingSteps: 400_000,
};
