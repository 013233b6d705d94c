/**
 * Re-grading a recorded episode two independent ways and checking they agree with the grade
 * stored at recording time:
 * 1. **from the stored truth**: the task's grader applied to the recorded final truth and
 *    outcome (what any third party can do with the file alone);
 * 2. **by replay**: a fresh environment is reset with the recorded seed and fed the recorded
 *    actions; every observation, reward and end flag must match the recording byte for byte
 *    (as JSON), the final truth too, and the replayed episode is graded again.
 *
 * @example
 * ```ts
 * import { regradeRecording } from "./regrade.ts";
 * import { runEpisode } from "./episode.ts";
 * import { RandomAgent } from "../agents/random.ts";
 * import { makeEnv } from "../../tasks/registry.ts";
 * const { recording } = await runEpisode(makeEnv("hard"), new RandomAgent(), 5, { record: true });
 * const check = regradeRecording(recording!);
 * console.log(check.agree, check.replay_score === check.recorded_score); // true true
 * ```
 *
 * @module
 */
import { getTask, gradeEpisode, makeEnv } from "../../tasks/registry.ts";
import type { StepResult } from "../env.ts";
import type { EpisodeRecording } from "./recording.ts";

/** The verdict on one recording. */
export interface RegradeResult {
  /** Task id. */
  task: string;
  /** Episode seed. */
  seed: number;
  /** Agent name. */
  agent: string;
  /** Score stored in the recording. */
  recorded_score: number;
  /** Score of the grader applied to the stored truth. */
  truth_score: number;
  /** Score of the replayed episode. */
  replay_score: number;
  /** All three scores are equal and the replay matched the recording at every step. */
  agree: boolean;
  /** The first difference found, if any. */
  mismatch?: string;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Replays the recording; returns the replayed score and the first difference, if any. */
function replay(rec: EpisodeRecording): { score: number; mismatch?: string } {
  const env = makeEnv(rec.task);
  let observation = env.reset({ seed: rec.seed, options: { episode_id: "regrade" } }).observation;
  let last: StepResult | undefined;
  for (let i = 0; i < rec.steps.length; i++) {
    const step = rec.steps[i];
    if (last && (last.terminated || last.truncated)) {
      return { score: NaN, mismatch: `replay ended after ${i} steps, recording has more` };
    }
    if (!same(observation, step.observation)) {
      return { score: NaN, mismatch: `step ${i}: observation differs from the recording` };
    }
    try {
      last = env.step(step.action);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return { score: NaN, mismatch: `step ${i}: recorded action rejected on replay (${why})` };
    }
    if (!same(last.reward, step.reward)) {
      return { score: NaN, mismatch: `step ${i}: reward differs from the recording` };
    }
    if (last.terminated !== step.terminated || last.truncated !== step.truncated) {
      return { score: NaN, mismatch: `step ${i}: terminated/truncated differ from the recording` };
    }
    observation = last.observation;
  }
  if (!last || !(last.terminated || last.truncated)) {
    return { score: NaN, mismatch: `recording stops after ${rec.steps.length} steps, mid-episode` };
  }
  if (!same(observation, rec.final_observation)) {
    return { score: NaN, mismatch: "final observation differs from the recording" };
  }
  const score = gradeEpisode(env).score;
  if (!same(env.state().truth, rec.truth)) {
    return { score, mismatch: "final truth differs from the recording" };
  }
  return { score };
}

/**
 * Re-grades one recording from its stored truth and by deterministic replay, and reports
 * whether both agree with the stored score. Throws `UnknownTaskError` for an unknown task.
 */
export function regradeRecording(rec: EpisodeRecording): RegradeResult {
  const task = getTask(rec.task);
  const truthScore = task.grade({
    truth: rec.truth,
    steps: rec.outcome.steps,
    horizon: rec.outcome.horizon,
    terminated: rec.outcome.terminated,
  }).score;
  const replayed = replay(rec);
  let mismatch = replayed.mismatch;
  if (!mismatch && rec.outcome.steps !== rec.steps.length) {
    mismatch = `outcome.steps is ${rec.outcome.steps} but ${rec.steps.length} steps are recorded`;
  }
  if (!mismatch && truthScore !== rec.grade.score) {
    mismatch = `grade from the stored truth ${truthScore} != recorded ${rec.grade.score}`;
  }
  if (!mismatch && replayed.score !== rec.grade.score) {
    mismatch = `grade of the replay ${replayed.score} != recorded ${rec.grade.score}`;
  }
  return {
    task: rec.task,
    seed: rec.seed,
    agent: rec.agent,
    recorded_score: rec.grade.score,
    truth_score: truthScore,
    replay_score: replayed.score,
    agree: mismatch === undefined,
    ...(mismatch === undefined ? {} : { mismatch }),
  };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : "-";
}

/**
 * The verdicts as a Markdown table with a closing count line.
 *
 * @example
 * ```ts
 * import { regradeTable } from "./regrade.ts";
 * console.log(regradeTable([])); // header and "0 episodes re-graded: 0 agree, 0 differ"
 * ```
 */
export function regradeTable(results: readonly RegradeResult[]): string {
  const rows = results.map((r, i) =>
    `| ${i + 1} | ${r.agent} | ${r.task} | ${r.seed} | ${fmt(r.recorded_score)} | ` +
    `${fmt(r.truth_score)} | ${fmt(r.replay_score)} | ${r.agree ? "yes" : `NO: ${r.mismatch}`} |`
  );
  const bad = results.filter((r) => !r.agree).length;
  return [
    "| # | agent | task | seed | recorded | from truth | replay | agree |",
    "| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    `${results.length} episodes re-graded: ${results.length - bad} agree, ${bad} differ`,
  ].join("\n");
}
