/**
 * `deno bench`: aggregate steps/s of the vectorised environment (`src/learn/vector_env.ts`)
 * for N = 1, 16 and 64 environments of the `hard` task, with a seeded random masked policy
 * (random decision codes, at most `budget` INVESTIGATE per environment). One iteration is one
 * `VectorEnv.step()` over all N environments (observation encoding and SameStep autoreset
 * included), so **aggregate steps/s = N x iter/s**.
 *
 * Two configurations: `env` (environment reward, no grading: the bare vector env) and
 * `grader` (the training configuration: grader-aligned reward shaping, and the task grader run
 * on the hidden truth of every finished episode).
 *
 * ```
 * deno bench --allow-read --allow-env --allow-hrtime bench/vector_env_bench.ts
 * ```
 *
 * @module
 */
import { VectorEnv } from "../src/learn/vector_env.ts";
import { Rng } from "../src/rng.ts";
import { getTask } from "../tasks/registry.ts";

const task = getTask("hard");

function stepper(n: number, reward: "env" | "grader"): () => void {
  const vec = new VectorEnv({ task, numEnvs: n, seed: 1, reward, grade: reward === "grader" });
  vec.reset();
  const rng = new Rng(2);
  const S = vec.slots;
  return () => {
    for (let e = 0; e < n; e++) {
      let used = 0;
      const len = vec.worlds[e].queueLength;
      for (let j = 0; j < S; j++) {
        let c = j < len ? rng.int(4) : 3;
        if (c === 0 && used++ >= vec.budget[e]) c = 3;
        vec.actions[e * S + j] = c;
      }
    }
    vec.step();
  };
}

for (const reward of ["env", "grader"] as const) {
  for (const n of [1, 16, 64]) {
    Deno.bench({
      name: `VectorEnv.step() hard N=${n} (${reward}; steps/s = ${n} x iter/s)`,
      group: reward,
      baseline: n === 1,
      warmup: 2000,
      fn: stepper(n, reward),
    });
  }
}
