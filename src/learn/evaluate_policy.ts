/**
 * Fast evaluation of a policy on fixed seeds through the vector environment: deterministic
 * (masked argmax with sequential K masking, exactly what {@link PpoAgent} does), graded by the
 * task's grader. Held-out evaluation uses seeds from {@link EVAL_SEED_BASE} on, which training
 * (seeds < 1,000,000) never plays.
 *
 * @example
 * ```ts
 * import { evaluatePolicy, heldOutSeeds, summarize } from "./evaluate_policy.ts";
 * import { SlotPolicy } from "./policy.ts";
 * import { easy } from "../../tasks/easy.ts";
 * import { Rng } from "../rng.ts";
 * const policy = new SlotPolicy();
 * policy.init(new Rng(0));
 * const scores = evaluatePolicy(policy, easy, heldOutSeeds(4));
 * console.log(summarize(scores));
 * ```
 *
 * @module
 */
import type { Task } from "../../tasks/task.ts";
import { actBatch } from "./act.ts";
import type { SlotPolicy } from "./policy.ts";
import { VectorEnv } from "./vector_env.ts";

/** First held-out evaluation seed. */
export const EVAL_SEED_BASE = 10_000_000;

/** `count` consecutive held-out seeds from {@link EVAL_SEED_BASE}. */
export function heldOutSeeds(count: number, base = EVAL_SEED_BASE): number[] {
  return Array.from({ length: count }, (_, i) => base + i);
}

/** Plays one deterministic episode per seed and returns the grader scores, in seed order. */
export function evaluatePolicy(
  policy: SlotPolicy,
  task: Task,
  seeds: readonly number[],
  numEnvs = 16,
): Float64Array {
  const scores = new Float64Array(seeds.length).fill(NaN);
  if (seeds.length === 0) return scores;
  const n = Math.min(numEnvs, seeds.length);
  const current = new Int32Array(n).fill(-1);
  const ended = new Int32Array(n).fill(-1);
  let next = 0;
  const vec = new VectorEnv({
    task,
    numEnvs: n,
    reward: "env",
    nextSeed: (e) => {
      ended[e] = current[e];
      current[e] = next < seeds.length ? next++ : -1;
      return current[e] >= 0 ? seeds[current[e]] : seeds[0];
    },
  });
  vec.reset();
  const allowed = new Uint8Array(vec.actions.length);
  let remaining = seeds.length;
  while (remaining > 0) {
    actBatch(
      policy,
      vec.slotObs,
      vec.globalObs,
      vec.slotValid,
      vec.budget,
      n,
      null,
      vec.actions,
      0,
      allowed,
      0,
    );
    vec.step();
    for (let e = 0; e < n; e++) {
      if (!vec.episodeDone[e] || ended[e] < 0) continue;
      scores[ended[e]] = vec.episodeScore[e];
      remaining--;
    }
  }
  return scores;
}

/** Mean, standard deviation, 95% confidence half-width (normal approx.) and success rate. */
export function summarize(scores: ArrayLike<number>, threshold = NaN): {
  mean: number;
  std: number;
  ci95: number;
  n: number;
  successRate: number;
} {
  const n = scores.length;
  let sum = 0, ok = 0;
  for (let i = 0; i < n; i++) {
    sum += scores[i];
    if (scores[i] >= threshold) ok++;
  }
  const mean = n ? sum / n : NaN;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (scores[i] - mean) ** 2;
  const std = n > 1 ? Math.sqrt(sq / (n - 1)) : 0;
  return { mean, std, ci95: n ? 1.96 * std / Math.sqrt(n) : NaN, n, successRate: n ? ok / n : NaN };
}
