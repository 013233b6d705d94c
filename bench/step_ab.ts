/**
 * A/B of the in-process step in one process: this checkout ("new") against another checkout of
 * the repository ("old", e.g. a `git worktree` of an earlier commit), both driven by their own
 * `src/eval/throughput.ts` random stepper (seeded random valid decisions, resets included).
 * Rounds alternate old/new (the order flips every round) and each reports steps per CPU-second
 * of this process (`process.cpuUsage()`), the single-core rate with most of the other processes'
 * contention removed, which is what a shared 2-core machine allows to compare.
 *
 * ```sh
 * git worktree add /tmp/old f7cfbda
 * deno run --allow-read --allow-env --allow-sys bench/step_ab.ts --old /tmp/old \
 *   [--tasks hard] [--apis object,fast] [--rounds 8] [--ms 1500]
 * ```
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import * as NEW from "../src/eval/throughput.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    old: { type: "string" },
    tasks: { type: "string", default: "hard" },
    apis: { type: "string", default: "object,codes,fast" },
    rounds: { type: "string", default: "8" },
    ms: { type: "string", default: "1500" },
  },
});
if (!values.old) throw new Error("--old <checkout of the commit to compare against> is required");
const oldUrl = pathToFileURL(`${Deno.realPathSync(values.old)}/src/eval/throughput.ts`).href;
const OLD: typeof NEW = await import(oldUrl);
const rounds = Number(values.rounds);
const ms = Number(values.ms);

/** Steps per CPU-second of `step` over about `ms` milliseconds of wall time. */
function rate(step: () => void): number {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    for (let i = 0; i < 256; i++) step();
    n += 256;
  }
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [load1, load5, load15] = Deno.loadavg();
console.log(
  `step A/B ${new Date().toISOString()}; old ${values.old}; ${rounds} interleaved rounds of ` +
    `${ms} ms; load average before ${load1.toFixed(2)} ${load5.toFixed(2)} ${
      load15.toFixed(2)
    }; Deno ${Deno.version.deno}\n`,
);
console.log(
  "| task | API | old steps/CPU-s (best / median) | new steps/CPU-s (best / median) | new ÷ old (best / median) |",
);
console.log("| --- | --- | ---: | ---: | ---: |");
for (const task of values.tasks.split(",")) {
  for (const api of values.apis.split(",") as NEW.StepApi[]) {
    const steppers = {
      old: OLD.randomStepper(task, api, 1).step,
      new: NEW.randomStepper(task, api, 1).step,
    };
    for (const step of Object.values(steppers)) for (let i = 0; i < 50_000; i++) step();
    const runs = { old: [] as number[], new: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      for (const k of r % 2 ? ["new", "old"] as const : ["old", "new"] as const) {
        runs[k].push(rate(steppers[k]));
      }
    }
    const [ob, om, nb, nm] = [
      Math.max(...runs.old),
      median(runs.old),
      Math.max(...runs.new),
      median(runs.new),
    ];
    console.log(
      `| ${task} | ${api} | ${fmt(ob)} / ${fmt(om)} | ${fmt(nb)} / ${fmt(nm)} | ` +
        `${(nb / ob).toFixed(2)} / ${(nm / om).toFixed(2)} |`,
    );
  }
}
const [a1, a5, a15] = Deno.loadavg();
console.log(`\nload average after ${a1.toFixed(2)} ${a5.toFixed(2)} ${a15.toFixed(2)}`);
