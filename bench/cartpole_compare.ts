/**
 * Our environment's steps/s as a ratio to Python Gymnasium CartPole-v1, measured in the same
 * run. CartPole is measured with `gymnasium.utils.performance.benchmark_step` (random actions,
 * resets included) by `bench/cartpole_gymnasium.py`; ours with the same loop shape (seeded
 * random decisions within the budget, reset on episode end) per task, through `stepCodes` and
 * through `step({decisions})`. Measurements are interleaved (CartPole, then ours, per round)
 * and the best round of each is kept, which is the usual defence against a shared machine;
 * steps per CPU second (process user + system time) are printed too, as a contention check.
 *
 * ```
 * deno run --allow-read --allow-run bench/cartpole_compare.ts [--seconds 5] [--rounds 3]
 *          [--tasks easy,medium,hard] [--python .venv/bin/python]
 * ```
 * Goal: hard (stepCodes) >= 5x CartPole, stretch 10x.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  measureStepsPerSecond,
  type StepApi,
  type ThroughputResult,
} from "../src/eval/throughput.ts";
import { TASK_IDS } from "../tasks/registry.ts";

const API_NAMES: Record<StepApi, string> = {
  fast: "stepFast",
  codes: "stepCodes",
  object: "step({decisions})",
};

interface CartPoleRun {
  steps_per_second: number;
  seconds: number;
  cpu_seconds: number;
  steps_per_cpu_second: number | null;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    tasks: { type: "string", default: TASK_IDS.join(",") },
    python: { type: "string", default: new URL("../.venv/bin/python", import.meta.url).pathname },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const tasks = values.tasks.split(",");
const script = new URL("./cartpole_gymnasium.py", import.meta.url).pathname;

async function cartpole(seed: number): Promise<CartPoleRun & { gymnasium: string }> {
  const out = await new Deno.Command(values.python, {
    args: [script, "--seconds", String(seconds), "--seed", String(seed)],
    stdout: "piped",
    stderr: "piped",
  }).output().catch((e) => {
    throw new Error(`cannot run ${values.python} (create it with .ci/setup-python): ${e.message}`);
  });
  if (!out.success) {
    throw new Error(`${values.python} ${script} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  return { ...report.runs[0], gymnasium: report.gymnasium };
}

const best = <T>(xs: T[], key: (x: T) => number): T => xs.reduce((a, b) => key(b) > key(a) ? b : a);
const ours = new Map<string, ThroughputResult[]>();
const theirs: (CartPoleRun & { gymnasium: string })[] = [];
for (let round = 0; round < rounds; round++) {
  theirs.push(await cartpole(round));
  for (const task of tasks) {
    for (const api of ["fast", "codes", "object"] as StepApi[]) {
      const r = measureStepsPerSecond(task, api, { durationMs: seconds * 1000, seed: 1 + round });
      ours.set(`${task} ${api}`, [...(ours.get(`${task} ${api}`) ?? []), r]);
    }
  }
  console.error(`round ${round + 1}/${rounds} done`);
}

const cp = best(theirs, (r) => r.steps_per_second);
const cpCpu = Math.max(...theirs.map((r) => r.steps_per_cpu_second ?? 0));
const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
// Deno reads /proc only with --allow-all; lscpu is already allowed by --allow-run.
const lscpu = await new Deno.Command("lscpu", { stdout: "piped", stderr: "null" }).output()
  .then((o) => new TextDecoder().decode(o.stdout), () => "");
const cpuModel = lscpu.match(/Model name:\s*(.*)/)?.[1]?.trim() ?? "unknown CPU";
console.log(
  `Machine: ${cpuModel}, ${navigator.hardwareConcurrency} logical CPUs; Deno ${Deno.version.deno} ` +
    `(V8 ${Deno.version.v8}); Gymnasium ${cp.gymnasium}; ${new Date().toISOString()}; ` +
    `best of ${rounds} interleaved rounds of ${seconds} s.\n`,
);
console.log("| environment | API | steps/s | x CartPole | steps/CPU-s | x CartPole (CPU) |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
console.log(
  `| CartPole-v1 (Gymnasium, benchmark_step) | Python step | ${fmt(cp.steps_per_second)} | 1.0 | ` +
    `${fmt(cpCpu)} | 1.0 |`,
);
for (const [key, runs] of ours) {
  const [task, api] = key.split(" ");
  const b = best(runs, (r) => r.steps_per_second);
  const bCpu = Math.max(...runs.map((r) => r.steps_per_cpu_second));
  console.log(
    `| alert-triage ${task} | ${API_NAMES[api as StepApi]} | ` +
      `${fmt(b.steps_per_second)} | ${(b.steps_per_second / cp.steps_per_second).toFixed(1)} | ` +
      `${fmt(bCpu)} | ${(bCpu / cpCpu).toFixed(1)} |`,
  );
}
