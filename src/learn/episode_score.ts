/**
 * The task grader's score of a world whose episode just ended, computed from the world's typed
 * arrays. The v1 graders (`easy`, `medium`, `hard`: `gradeTriage` in `tasks/triage_score.ts`)
 * recount the episode's reward events from the hidden truth; building that truth (`readTruth`:
 * one object per alert and incident, the service graph) and grading it took ~20% of the
 * server's CPU per env-step on `/ws/vector`. This module counts the same events in one pass over
 * the arrays and does the same arithmetic in the same order, so the score is the same number
 * (`tests/learn/episode_score_test.ts` checks it against `task.grade` on random episodes of
 * every task). A task with any other grader is graded through `readTruth` + `task.grade`.
 *
 * @example
 * ```ts
 * import { episodeScorer } from "./episode_score.ts";
 * import { World } from "../sim/world.ts";
 * import { hard } from "../../tasks/hard.ts";
 * const world = new World(hard.world);
 * world.reset(3);
 * while (!world.terminated && !world.truncated) world.step([]);
 * const score = episodeScorer(hard)(world);
 * console.assert(score >= 0 && score <= 1);
 * ```
 *
 * @module
 */
import { REWARD_COMPONENTS, REWARD_INDEX, REWARD_TABLE } from "../rewards.ts";
import { clamp01, round4 } from "../numbers.ts";
import {
  ACTIVE,
  CRITICAL,
  DROPPED,
  ESCALATE,
  FAILED,
  IGNORE,
  INVESTIGATE,
  NOISE,
  PENDING,
  RESOLVED,
} from "../sim/codes.ts";
import { readTruth } from "../sim/truth.ts";
import type { World } from "../sim/world.ts";
import type { WorldConfig } from "../sim/world_config.ts";
import type { Task } from "../../tasks/task.ts";
import { gradeEasy } from "../../tasks/easy.ts";
import { gradeMedium } from "../../tasks/medium.ts";
import { gradeHard } from "../../tasks/hard.ts";

/** The graders whose score is `gradeTriage`'s (the threshold only decides `success`). */
const TRIAGE_GRADERS: ReadonlySet<Task["grade"]> = new Set([gradeEasy, gradeMedium, gradeHard]);

const W = REWARD_TABLE;
const WEIGHTS = REWARD_COMPONENTS.map((c) => REWARD_TABLE[c]);
const I_RESOLVED = REWARD_INDEX.critical_resolved;
const I_CASCADE = REWARD_INDEX.cascade_prevented;
const I_FP = REWARD_INDEX.false_positive_ignored;
const I_UNNEEDED = REWARD_INDEX.unnecessary_investigation;
const I_WASTED = REWARD_INDEX.wasted_escalation;
const I_MISSED = REWARD_INDEX.critical_missed;
const I_FAILURE = REWARD_INDEX.system_failure;

/**
 * Per service: whether the truth's `future_failures` of the service of that name hold a positive
 * probability (`canCascade` of `triage_score.ts`, which looks the service up by name).
 */
function cascadeFlags(config: WorldConfig, dependents: readonly (readonly number[])[]) {
  const services = config.services;
  return services.map((s) => {
    const j = services.findIndex((x) => x.name === s.name);
    const p = Math.min(1, services[j].cascade * config.cascadeScale);
    return dependents[j].length > 0 && p > 0;
  });
}

/** `gradeTriage(...).score` of the world's episode, without building its truth. */
function triageScore(world: World, cascades: readonly boolean[], counts: Float64Array): number {
  counts.fill(0);
  const kinds = world.aKind, outcomes = world.aOutcome, decisions = world.aDecision;
  let noise = 0;
  for (let a = 0; a < world.alertCount; a++) {
    const kind = kinds[a], outcome = outcomes[a], d = decisions[a];
    const critical = kind === CRITICAL;
    if (kind === NOISE && outcome !== PENDING && outcome !== DROPPED) noise++;
    if (d === INVESTIGATE && !critical) counts[I_UNNEEDED]++;
    if (d === ESCALATE && !critical) counts[I_WASTED]++;
    if (d === IGNORE && kind === NOISE) counts[I_FP]++;
    if (critical && (d === IGNORE || outcome === FAILED)) counts[I_MISSED]++;
  }
  const terminated = world.terminated;
  let incidents = 0, cascading = 0;
  for (let i = 0; i < world.incidentCount; i++) {
    const status = world.iStatus[i];
    const cascadesHere = cascades[world.iService[i]];
    if (status !== ACTIVE || terminated) {
      incidents++;
      if (cascadesHere) cascading++;
    }
    if (status === RESOLVED) {
      counts[I_RESOLVED]++;
      if (cascadesHere) counts[I_CASCADE]++;
    } else if (status !== ACTIVE) counts[I_FAILURE]++;
  }
  let achieved = 0;
  for (let c = 0; c < WEIGHTS.length; c++) achieved += WEIGHTS[c] * counts[c];
  const floor = incidents * (W.critical_missed + W.system_failure);
  const ceiling = incidents * W.critical_resolved + cascading * W.cascade_prevented +
    noise * W.false_positive_ignored;
  const span = ceiling - floor;
  const normalized = span > 0 ? clamp01((achieved - floor) / span) : 1;
  const surv = terminated ? clamp01(world.tick / world.config.horizon) : 1;
  return round4(normalized * surv);
}

/**
 * The function giving `task.grade(...)`'s score for a world whose episode just ended (steps =
 * the world's tick, horizon = its config's), fast for the v1 graders (see the module doc).
 */
export function episodeScorer(task: Task): (world: World) => number {
  if (!TRIAGE_GRADERS.has(task.grade)) {
    return (w) =>
      task.grade({
        truth: readTruth(w),
        steps: w.tick,
        horizon: w.config.horizon,
        terminated: w.terminated,
      }).score;
  }
  let cascades: boolean[] | null = null;
  let config: WorldConfig | null = null;
  const counts = new Float64Array(WEIGHTS.length);
  return (w) => {
    if (w.config !== config) {
      config = w.config;
      cascades = cascadeFlags(w.config, w.dependents);
    }
    return triageScore(w, cascades!, counts);
  };
}
