/**
 * `deno bench`: environment steps per second per task, with a seeded random policy (random
 * decision codes that respect the investigation budget), on one core, in-process. Each
 * iteration is one `step` (an episode that ends is reset with the next seed inside the
 * iteration, as Gymnasium's `benchmark_step` does), so `iter/s` reads as steps/s.
 *
 * Three APIs per task: `stepFast` (the lean typed path: validated codes in, reward out),
 * `stepCodes` (typed codes in, full step result out) and `step({decisions})` (the object API
 * the server and agents use). Goal: hard >= 500,000 steps/s.
 *
 * ```
 * deno bench --allow-read --allow-env --allow-run --allow-hrtime bench/env_bench.ts
 * ```
 *
 * @module
 */
import { randomStepper, type StepApi } from "../src/eval/throughput.ts";
import { TASK_IDS } from "../tasks/registry.ts";

for (const task of TASK_IDS) {
  for (const api of ["fast", "codes", "object"] as StepApi[]) {
    const stepper = randomStepper(task, api, 1);
    const name = api === "fast" ? "stepFast" : api === "codes" ? "stepCodes" : "step({decisions})";
    Deno.bench({
      name: `${task} ${name}`,
      group: task,
      baseline: api === "fast",
      warmup: 20_000,
      fn: stepper.step,
    });
  }
}
