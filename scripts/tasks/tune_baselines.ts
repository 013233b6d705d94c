/**
 * Fits the two observation-only reference baselines on training seeds (below 10,000,000, never
 * the held-out evaluation seeds) with the cross-entropy method, seeded, and writes their
 * parameters to `policies/baselines.json`:
 *
 * - `rules-tuned`: the seed's rule (severity x confidence thresholds) with its 4 thresholds
 *   searched;
 * - `linear`: a linear score over observation features with fitted thresholds
 *   (`src/agents/linear.ts`).
 *
 * The objective is the task's own grader score (mean over the training seeds of one round).
 *
 * Usage: deno task tune [--tasks easy,medium,hard] [--iterations 12]
 *        [--population 24] [--seeds 40] [--out policies/baselines.json]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Rng } from "../../src/learn/mod.ts";
import {
  type Agent,
  getTask,
  LinearAgent,
  type LinearParams,
  makeEnv,
  RuleBasedAgent,
  type RuleThresholds,
  TASK_IDS,
} from "../../mod.ts";
import { LINEAR_FEATURES } from "../../src/agents/linear.ts";
import { runEpisode } from "../../src/eval/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    tasks: { type: "string" },
    iterations: { type: "string", default: "12" },
    population: { type: "string", default: "24" },
    seeds: { type: "string", default: "40" },
    out: { type: "string", default: "policies/baselines.json" },
  },
});
const ITER = Number(values.iterations), POP = Number(values.population);
const SEEDS = Number(values.seeds);
const ELITE = Math.max(2, Math.round(POP / 4));

/** Mean grader score of an agent on `seeds`. */
async function meanScore(agent: Agent, task: string, seeds: number[]): Promise<number> {
  const env = makeEnv(task);
  let sum = 0;
  for (const seed of seeds) sum += (await runEpisode(env, agent, seed)).summary.score;
  return sum / seeds.length;
}

/** Cross-entropy search over a real vector; each round draws fresh training seeds. */
async function cem(
  mean0: number[],
  sd0: number[],
  evaluate: (x: number[], seeds: number[]) => Promise<number>,
  rng: Rng,
): Promise<{ best: number[]; bestScore: number }> {
  let mean = [...mean0], sd = [...sd0];
  let best = mean0, bestScore = -Infinity;
  for (let it = 0; it < ITER; it++) {
    const seeds = Array.from({ length: SEEDS }, () => 1 + rng.int(9_999_998));
    const pop: { x: number[]; s: number }[] = [];
    for (let p = 0; p < POP; p++) {
      const x = p === 0 ? mean : mean.map((m, i) => m + sd[i] * rng.normal());
      pop.push({ x, s: await evaluate(x, seeds) });
    }
    pop.sort((a, b) => b.s - a.s);
    const elite = pop.slice(0, ELITE);
    mean = mean.map((_, i) => elite.reduce((a, e) => a + e.x[i], 0) / ELITE);
    sd = sd.map((_, i) => {
      const v = elite.reduce((a, e) => a + (e.x[i] - mean[i]) ** 2, 0) / ELITE;
      return Math.sqrt(v) + 0.01 * sd0[i];
    });
    console.error(
      `  round ${it + 1}/${ITER}: elite ${elite[0].s.toFixed(3)} .. ${
        elite[ELITE - 1].s.toFixed(3)
      }`,
    );
  }
  // Final choice: the mean and the last elite, compared on 200 fresh training seeds.
  const check = Array.from({ length: 200 }, () => 1 + rng.int(9_999_998));
  for (const x of [mean]) {
    const s = await evaluate(x, check);
    if (s > bestScore) [best, bestScore] = [x, s];
  }
  return { best, bestScore };
}

const toRules = (x: number[]): RuleThresholds => ({
  escalateSeverity: x[0],
  escalateConfidence: x[1],
  ignoreBelow: x[2],
  investigateAbove: x[3],
});
const toLinear = (x: number[]): LinearParams => ({
  weights: x.slice(0, LINEAR_FEATURES.length),
  investigateAbove: x[LINEAR_FEATURES.length],
  escalateAbove: x[LINEAR_FEATURES.length + 1],
  ignoreBelow: x[LINEAR_FEATURES.length + 2],
});
const round = (x: number[]) => x.map((v) => Math.round(v * 1e4) / 1e4);

const out: Record<string, Record<string, unknown>> = { "rules-tuned": {}, linear: {} };
const tasks = values.tasks?.split(",") ?? [...TASK_IDS];
for (const task of tasks) {
  const services = getTask(task).world.services;
  const rng = new Rng(20_261_204 + TASK_IDS.indexOf(task));
  console.error(`${task}: rules-tuned`);
  const r = await cem(
    [0.85, 0.8, 0.2, 0.3],
    [0.1, 0.1, 0.08, 0.08],
    (x, seeds) => meanScore(new RuleBasedAgent(toRules(x)), task, seeds),
    rng,
  );
  out["rules-tuned"][task] = { ...toRules(round(r.best)), training_score: +r.bestScore.toFixed(4) };
  console.error(`${task}: linear`);
  const start = LINEAR_FEATURES.map((f) => (f === "sev_x_conf" ? 1 : 0));
  const l = await cem(
    [...start, 0.3, 0.25, 0.2],
    [...LINEAR_FEATURES.map(() => 0.3), 0.1, 0.1, 0.1],
    (x, seeds) => meanScore(new LinearAgent(toLinear(x), services), task, seeds),
    rng,
  );
  const p = toLinear(round(l.best));
  out.linear[task] = { ...p, features: LINEAR_FEATURES, training_score: +l.bestScore.toFixed(4) };
  console.error(`${task}: rules-tuned ${r.bestScore.toFixed(3)}, linear ${l.bestScore.toFixed(3)}`);
}
const file = values.out!;
let previous: Record<string, Record<string, unknown>> = {};
try {
  previous = JSON.parse(await Deno.readTextFile(file));
} catch { /* first run */ }
for (const k of Object.keys(out)) out[k] = { ...previous[k], ...out[k] };
await Deno.writeTextFile(
  file,
  JSON.stringify({ format: "alert-triage-baselines/1", ...previous, ...out }, null, 2) + "\n",
);
console.error(`wrote ${file}`);
