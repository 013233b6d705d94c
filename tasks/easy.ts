/**
 * Task `easy`: basic alert prioritisation. Six services, no cascades, three investigations
 * per tick (more than the incidents need), clear signals. The agent must tell genuine critical
 * alerts from noise: investigate the first, ignore the second, leave transients alone.
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
 * import { easy } from "./easy.ts";
 * console.log(easy.version, easy.world.k, easy.successThreshold);
 * ```
 *
 * @module
 */
import { DEFAULT_WORLD } from "../src/sim/world_config.ts";
import { pickServices } from "../src/sim/services.ts";
import type { AlertTruth } from "../src/models.ts";
import { gradeTriage, TRIAGE_SCORING_HINT, TRIAGE_SHAPING } from "./triage_score.ts";
import type { EpisodeOutcome, GradeResult, Task } from "./task.ts";

/**
 * Whether the final handling of an alert was right, judged against its hidden class (undefined:
 * not judged, because it is still queued, with a specialist, or was dropped). An analysis helper
 * (per-alert accuracy in the notebooks); the grader itself scores the reward events.
 */
export function isCorrect(alert: AlertTruth): boolean | undefined {
  const o = alert.outcome;
  if (o === "pending" || o === "escalated" || o === "dropped") return undefined;
  switch (alert.kind) {
    case "critical":
      return o === "investigated" || o === "escalation_resolved";
    case "noise":
      return o === "ignored";
    default:
      return o !== "investigated" && o !== "escalation_resolved";
  }
}

/** How `easy` is scored, as told to agents (the LLM agent's prompt). */
const SCORING_HINT = TRIAGE_SCORING_HINT;

/** Success threshold of `easy`. */
export const EASY_THRESHOLD = 0.7;

/** The `easy` grader (v1: the normalised return, see `triage_score.ts`). */
export function gradeEasy(outcome: EpisodeOutcome): GradeResult {
  return gradeTriage(outcome, EASY_THRESHOLD);
}

/** Task `easy` (version 1). */
export const easy: Task = {
  id: "easy",
  name: "Basic alert prioritisation",
  description:
    "Six services, no cascades, clear signals: investigate the genuine critical alerts and " +
    "ignore the noise.",
  difficulty: "easy",
  version: 1,
  successThreshold: EASY_THRESHOLD,
  world: {
    ...DEFAULT_WORLD,
    horizon: 30,
    k: 3,
    specialists: 1,
    escalationTicks: 3,
    services: pickServices(["web-frontend", "api-gateway", "auth", "search", "cache", "storage"]),
    incidentRate: 0.3,
    noiseRate: 2.5,
    transientRate: 0.6,
    symptomProb: 0.2,
    severityNoise: 0.1,
    noiseLoudness: 0.27,
    noiseTtl: 3,
    failureThreshold: 45,
    rootMildness: 0.15,
    cascadeScale: 0,
    failAfter: 5,
  },
  grade: gradeEasy,
  scoringHint: SCORING_HINT,
  shaping: TRIAGE_SHAPING,
  trainingSteps: 400_000,
};
