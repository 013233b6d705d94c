/**
 * The core of every v1 grader: the episode's reward events, recounted from the hidden truth, and
 * the return they earn normalised between what neglect would have earned and what perfect
 * triage of the same episode would have earned. Because the events and their signs are the
 * environment's own reward components, a policy that earns more reward scores higher: the grader
 * and the reward cannot pull apart.
 *
 * - `floor`: every counted incident missed and failed (`critical_missed + system_failure`),
 *   nothing else done: what always-DELAY earns.
 * - `ceiling`: every counted incident resolved (`critical_resolved`, plus `cascade_prevented` on
 *   services that can cascade), every noise alert ignored, nothing wasted.
 * - `score = clamp01((return - floor) / (ceiling - floor)) x survival`.
 *
 * Counted are the alerts and incidents that ended (pending ones at the horizon earned nothing
 * either way).
 *
 * @example
 * ```ts
 * import { makeEnv, episodeOutcome } from "./registry.ts";
 * import { rewardEvents } from "./triage_score.ts";
 * const env = makeEnv("easy");
 * env.reset({ seed: 1 });
 * while (env.state().done === false) env.step({ decisions: [] });
 * console.log(rewardEvents(episodeOutcome(env)));
 * ```
 *
 * @module
 */
import { REWARD_COMPONENTS, REWARD_TABLE, type RewardComponent } from "../src/rewards.ts";
import { clamp01, round4 } from "../src/numbers.ts";
import type { Truth } from "../src/models.ts";
import {
  type EpisodeOutcome,
  type GradeResult,
  NO_SHAPING,
  type ShapingTable,
  survival,
} from "./task.ts";

/** How every v1 task is scored, in a sentence an agent can act on. */
export const TRIAGE_SCORING_HINT =
  "Score: your episode return under the reward table above, normalised between neglecting every " +
  "incident (0) and perfect triage of the same alerts (1), x the share of the horizon survived. " +
  "Waste costs: investigate or escalate only what you believe is critical; ignore the noise.";

/** Count of each reward event, plus the episode's noise alerts and incidents. */
export interface RewardEvents {
  /** Events per reward component. */
  counts: Record<RewardComponent, number>;
  /** Noise alerts that ended (the most `false_positive_ignored` could be). */
  noise: number;
  /** Incidents that ended (resolved or failed), or all of them if the episode terminated. */
  incidents: number;
  /** Of those, incidents on services that can cascade (each can earn `cascade_prevented`). */
  cascading: number;
}

/** Whether an incident's service can cascade into others. */
function canCascade(truth: Truth, service: string): boolean {
  const s = truth.services.find((x) => x.name === service);
  return Object.values(s?.future_failures ?? {}).some((p) => p > 0);
}

/** Recounts the reward events of an episode from its truth. */
export function rewardEvents(outcome: EpisodeOutcome): RewardEvents {
  const counts = Object.fromEntries(REWARD_COMPONENTS.map((c) => [c, 0])) as Record<
    RewardComponent,
    number
  >;
  const { truth } = outcome;
  let noise = 0;
  for (const a of truth.alerts) {
    const critical = a.kind === "critical";
    if (a.kind === "noise" && a.outcome !== "pending" && a.outcome !== "dropped") noise++;
    if (a.decision === "INVESTIGATE" && !critical) counts.unnecessary_investigation++;
    if (a.decision === "ESCALATE" && !critical) counts.wasted_escalation++;
    if (a.decision === "IGNORE" && a.kind === "noise") counts.false_positive_ignored++;
    if (critical && (a.decision === "IGNORE" || a.outcome === "failed")) counts.critical_missed++;
  }
  let incidents = 0, cascading = 0;
  for (const inc of truth.incidents) {
    const counted = inc.status !== "active" || outcome.terminated;
    const cascades = canCascade(truth, inc.service);
    if (counted) {
      incidents++;
      if (cascades) cascading++;
    }
    if (inc.status === "resolved") {
      counts.critical_resolved++;
      if (cascades) counts.cascade_prevented++;
    } else if (inc.status === "failed") counts.system_failure++;
  }
  return { counts, noise, incidents, cascading };
}

/** The normalised return of an episode and its parts. */
export interface TriageScore {
  /** The episode's return (the env's return, recounted). */
  achieved: number;
  /** What neglecting every incident earns. */
  floor: number;
  /** What perfect triage of the same episode earns. */
  ceiling: number;
  /** `clamp01((achieved - floor) / (ceiling - floor))`, before survival. */
  normalized: number;
  /** The events behind it. */
  events: RewardEvents;
}

/** Scores an episode's reward events between neglect and perfect triage. */
export function triageScore(outcome: EpisodeOutcome): TriageScore {
  const weights = REWARD_TABLE;
  const events = rewardEvents(outcome);
  let achieved = 0;
  for (const c of REWARD_COMPONENTS) achieved += weights[c] * events.counts[c];
  const floor = events.incidents * (weights.critical_missed + weights.system_failure);
  const ceiling = events.incidents * weights.critical_resolved +
    events.cascading * weights.cascade_prevented +
    events.noise * weights.false_positive_ignored;
  const span = ceiling - floor;
  const normalized = span > 0 ? clamp01((achieved - floor) / span) : 1;
  return {
    achieved: round4(achieved),
    floor: round4(floor),
    ceiling: round4(ceiling),
    normalized,
    events,
  };
}

/**
 * A v1 grade: the normalised return times survival, with its breakdown (the return, floor and
 * ceiling, and each reward event count).
 */
export function gradeTriage(outcome: EpisodeOutcome, threshold: number): GradeResult {
  const t = triageScore(outcome);
  const surv = survival(outcome);
  const score = t.normalized * surv;
  const components: Record<string, number> = {
    return: t.achieved,
    floor: t.floor,
    ceiling: t.ceiling,
    normalized_return: round4(t.normalized),
    survival: round4(surv),
    incidents: t.events.incidents,
    noise_alerts: t.events.noise,
  };
  for (const c of REWARD_COMPONENTS) components[c] = t.events.counts[c];
  return { score: round4(score), components, success: score >= threshold };
}

/**
 * The grader-aligned dense reward of the v1 tasks, for the truth-reading training ablation
 * (`--reward grader`): the reward table's incident, failure and waste events attributed to the
 * alert that caused them, over a typical episode span of 500 (the trainer's terminal correction
 * then makes an episode's return exactly proportional to its score).
 */
export const TRIAGE_SHAPING: ShapingTable = {
  ...NO_SHAPING,
  resolved: REWARD_TABLE.critical_resolved / 500,
  failed: (REWARD_TABLE.critical_missed + REWARD_TABLE.system_failure) / 500,
  wasteInvestigate: REWARD_TABLE.unnecessary_investigation / 500,
  wasteEscalate: REWARD_TABLE.wasted_escalation / 500,
};
