/**
 * Where the time of an in-process step goes: runs the random-policy stepper of
 * `src/eval/throughput.ts` (hard task by default, object API `step({decisions})`) in a child
 * process under V8's sampling profiler (`deno run --cpu-prof`) and prints the share of each part
 * of the step, attributed by call stack:
 *
 * - the world tick (`World.step`, and `World.reset` at episode ends), split into the Box-Muller
 *   normal (`Rng.normal`: one `Math.log`, `Math.cos`, `Math.sqrt` per draw), the uniform draws
 *   (xoroshiro128+ and the `Rng` helpers) and the rest of the tick;
 * - the object API around it (validating decisions, building the observation, reward and info);
 * - the benchmark's random policy (choosing the codes and the decision objects);
 * - the garbage collector and the rest.
 *
 * Also prints the busiest functions by self time and the cost of one `Rng.normal()` measured
 * alone in the same process.
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-run --allow-env --allow-sys bench/step_profile.ts \
 *   [--task hard] [--api object] [--seconds 5] [--top 15]
 * ```
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { RandomCodes, randomStepper, type StepApi } from "../src/eval/throughput.ts";
import { makeEnv } from "../tasks/registry.ts";
import { Rng } from "../src/rng.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    task: { type: "string", default: "hard" },
    api: { type: "string", default: "object" },
    seconds: { type: "string", default: "5" },
    top: { type: "string", default: "15" },
    child: { type: "boolean", default: false },
  },
});

/** Nanoseconds per draw of `Rng.normal()`, of `Rng.float()`, of Box-Muller's `Math.cos` and
 * `Math.log` alone (on the generator's own outputs), each timed in its own plain loop. */
function drawCosts(): { normal: number; float: number; cos: number; log: number } {
  const n = 1 << 21;
  const rng = new Rng(1);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = rng.float();
  const best = { normal: Infinity, float: Infinity, cos: Infinity, log: Infinity };
  let sum = 0;
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    for (let i = 0; i < n; i++) sum += rng.normal();
    best.normal = Math.min(best.normal, (performance.now() - t) * 1e6 / n);
    t = performance.now();
    for (let i = 0; i < n; i++) sum += rng.float();
    best.float = Math.min(best.float, (performance.now() - t) * 1e6 / n);
    t = performance.now();
    for (let i = 0; i < n; i++) sum += Math.cos(2 * Math.PI * u[i]);
    best.cos = Math.min(best.cos, (performance.now() - t) * 1e6 / n);
    t = performance.now();
    for (let i = 0; i < n; i++) sum += Math.log(1 - u[i]);
    best.log = Math.min(best.log, (performance.now() - t) * 1e6 / n);
  }
  if (Number.isNaN(sum)) throw new Error("unreachable");
  return best;
}

/** Normal draws per step: two per synthetic alert (`arrivals.ts`), counted on 20,000 steps. */
function normalsPerStep(): number {
  const env = makeEnv(values.task);
  const policy = new RandomCodes(env.world.config.maxQueue, 7);
  let alerts = 0;
  env.reset({ seed: 1, options: { episode_id: "count" } });
  for (let i = 0; i < 20_000; i++) {
    env.stepFast(policy.next(env.world.queueLength, env.world.budget));
    if (env.world.terminated || env.world.truncated) {
      alerts += env.world.alertCount;
      env.reset({ seed: i + 2, options: { episode_id: "count" } });
    }
  }
  return 2 * (alerts + env.world.alertCount) / 20_000;
}

/** The profiled loop (nothing else runs in the profiled process): prints steps and CPU seconds. */
function child(): void {
  const stepper = randomStepper(values.task, values.api as StepApi, 1);
  for (let i = 0; i < 20_000; i++) stepper.step();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let steps = 0;
  while (performance.now() - start < Number(values.seconds) * 1000) {
    for (let i = 0; i < 256; i++) stepper.step();
    steps += 256;
  }
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ steps, cpu_seconds: (used.user + used.system) / 1e6 }));
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = (cf: CallFrame) => cf.url.split("/").slice(-2).join("/");
const isPolicy = (cf: CallFrame) =>
  cf.url.endsWith("eval/throughput.ts") &&
  (cf.functionName === "next" || cf.functionName === "codesToAction");
const isWorld = (
  cf: CallFrame,
) => (cf.url.endsWith("sim/world.ts") &&
  (cf.functionName === "step" || cf.functionName === "reset"));
const isDraw = (cf: CallFrame) =>
  cf.url.endsWith("xoroshiro128plus.js") || cf.url.endsWith("/rng.ts");

/** Share of each part of the step, from the sampled stacks. */
function attribute(p: Profile): { parts: Map<string, number>; self: Map<string, number> } {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const parts = new Map<string, number>();
  const self = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, dt: number) => m.set(k, (m.get(k) ?? 0) + dt);
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(p.samples[i])!.callFrame;
    add(self, `${leaf.functionName || "(anonymous)"} ${file(leaf)}:${leaf.lineNumber + 1}`, dt);
    if (leaf.functionName === "(garbage collector)") {
      add(parts, "garbage collector", dt);
      continue;
    }
    let part = "";
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id)!.callFrame;
      if (isPolicy(cf)) {
        part = "random policy (benchmark side)";
        break;
      }
      if (isWorld(cf)) {
        part = leaf.functionName === "normal" && leaf.url.endsWith("/rng.ts")
          ? "world tick: Rng.normal (Box-Muller)"
          : isDraw(leaf)
          ? "world tick: uniform draws (xoroshiro128+)"
          : "world tick: the rest";
        break;
      }
    }
    if (!part) {
      part = leaf.url.includes("/src/") || leaf.url.includes("/tasks/")
        ? "object API (validation, observation, reward, info)"
        : "other (program, runtime)";
    }
    add(parts, part, dt);
  }
  return { parts, self };
}

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "step_profile_" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        "--allow-sys",
        "--cpu-prof",
        `--cpu-prof-dir=${dir}`,
        new URL(import.meta.url).pathname,
        "--child",
        ...Deno.args,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error("profiled child failed");
    const run = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
    const costs = drawCosts();
    const normals = normalsPerStep();
    const name = [...Deno.readDirSync(dir)].find((e) => e.name.endsWith(".cpuprofile"))!.name;
    const profile: Profile = JSON.parse(Deno.readTextFileSync(`${dir}/${name}`));
    const { parts, self } = attribute(profile);
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const nsPerStep = run.cpu_seconds * 1e9 / run.steps;
    const [l1, l5, l15] = Deno.loadavg();
    console.log(
      `step profile ${new Date().toISOString()}; task ${values.task}, API ${values.api}; ` +
        `${values.seconds} s under --cpu-prof; load average ${l1.toFixed(2)} ${l5.toFixed(2)} ` +
        `${l15.toFixed(2)}; Deno ${Deno.version.deno}`,
    );
    console.log(
      `${Math.round(run.steps / run.cpu_seconds).toLocaleString("en-US")} steps/CPU-s under the ` +
        `profiler = ${(nsPerStep / 1000).toFixed(2)} µs CPU per step; ` +
        `${normals.toFixed(2)} normal draws per step. Measured alone (best of 3 loops of 2M): ` +
        `Rng.normal() ${costs.normal.toFixed(1)} ns (Math.cos ${costs.cos.toFixed(1)} ns, ` +
        `Math.log ${costs.log.toFixed(1)} ns), Rng.float() ${costs.float.toFixed(1)} ns\n`,
    );
    console.log("| part of the step | share | µs per step |");
    console.log("| --- | ---: | ---: |");
    for (const [k, t] of [...parts].sort((a, b) => b[1] - a[1])) {
      console.log(
        `| ${k} | ${(100 * t / total).toFixed(1)}% | ${
          (nsPerStep * t / total / 1000).toFixed(2)
        } |`,
      );
    }
    console.log("\n| function (self time) | share |");
    console.log("| --- | ---: |");
    for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
      console.log(`| ${k} | ${(100 * t / total).toFixed(1)}% |`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (values.child) child();
else await main();
