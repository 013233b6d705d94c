/**
 * Task `easy`: basic alert prioritisation. Few services, no cascades, generous budget, clear
 * signals. The agent must tell genuine critical alerts from noise.
 *
 * **Grader** (score = correct actions / total actions, class-balanced, times survival).
 * Each alert that left the queue is one action, judged against the hidden truth:
 * - a *critical* alert is handled correctly when it was investigated, or escalated and resolved
 *   before its incident failed; ignoring it, or letting it fail, is incorrect;
 * - a *noise* alert is handled correctly when it was ignored; investigating, escalating or
 *   leaving it to expire is incorrect (undecided noise is alert fatigue);
 * - a *transient* or *symptom* alert is handled correctly when it was ignored or left alone
 *   (it healed, expired or cleared); investigating or escalating it is incorrect.
 * Alerts still queued or with a specialist when the episode ends, and alerts dropped at a full
 * queue, are not counted. Critical and non-critical actions each carry half the weight
 * (`accuracy = (critical_accuracy + other_accuracy) / 2`; a class with no actions counts as 1),
 * so that ignoring everything scores 0.5 before survival, not 0.9. The score is
 * `accuracy x survival`, where survival is the share of the horizon reached.
 *
 * Worked example: 4 critical alerts, 3 handled correctly; 16 others, 12 correct; the episode
 * ran to the horizon. Score = (3/4 + 12/16) / 2 x 1 = 0.75.
 *
 * @example
 * ```ts
 * import { easy } from "./easy.ts";
 * console.log(easy.world.k, easy.successThreshold);
 * ```
 *
 * @module
 */
import { DEFAULT_WORLD } from "../src/sim/world_config.ts";
import { pickServices } from "../src/sim/services.ts";
import type { AlertTruth } from "../src/models.ts";
import { gradeTriage } from "./triage_score.ts";
import { round4 } from "../src/numbers.ts";
import { type EpisodeOutcome, type GradeResult, NO_SHAPING, survival, type Task } from "./task.ts";

/** Whether the final handling of an alert is correct (undefined: not counted). */
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

/** The easy grader. */
export function gradeEasy(outcome: EpisodeOutcome): GradeResult {
  let critical = 0, criticalCorrect = 0, other = 0, otherCorrect = 0;
  for (const a of outcome.truth.alerts) {
    const ok = isCorrect(a);
    if (ok === undefined) continue;
    if (a.kind === "critical") {
      critical++;
      if (ok) criticalCorrect++;
    } else {
      other++;
      if (ok) otherCorrect++;
    }
  }
  const criticalAccuracy = critical ? criticalCorrect / critical : 1;
  const otherAccuracy = other ? otherCorrect / other : 1;
  const accuracy = (criticalAccuracy + otherAccuracy) / 2;
  const surv = survival(outcome);
  const score = accuracy * surv;
  return {
    score: round4(score),
    components: {
      critical_actions: critical,
      critical_correct: criticalCorrect,
      other_actions: other,
      other_correct: otherCorrect,
      critical_accuracy: round4(criticalAccuracy),
      other_accuracy: round4(otherAccuracy),
      accuracy: round4(accuracy),
      survival: round4(surv),
    },
    success: score >= EASY_THRESHOLD,
  };
}

/** How `easy` is scored, as told to agents (the LLM agent's prompt). */
const SCORING_HINT =
  "Score: class-balanced accuracy. Critical alerts should be investigated (or escalated " +
  "and resolved in time); noise should be ignored; transient and symptom alerts should not be " +
  "investigated or escalated (ignore them or let them heal).";

/** Success threshold of `easy`. */
export const EASY_THRESHOLD = 0.7;

/** Task `easy`. */
export const easy: Task = {
  id: "easy",
  name: "Basic alert prioritisation",
  description:
    "Six services, no cascades, clear signals: investigate the genuine critical alerts and " +
    "ignore the noise.",
  difficulty: "easy",
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
  grade: (outcome) => gradeTriage(outcome, EASY_THRESHOLD),
  scoringHint: SCORING_HINT,
  // rules: 8.0 critical and 114 other counted alerts per episode
  shaping: { ...NO_SHAPING, criticalCorrect: 0.5 / 8, otherCorrect: 0.5 / 114 },
};
