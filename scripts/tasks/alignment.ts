/**
 * Tasks v1 alignment report: for each task, plays a set of diverse policies on held-out seeds and
 * prints mean env return, mean grader score (95% CI), the Spearman rank correlation between the
 * two across policies, and how often the budget binds (ticks on which the truth-reading oracle
 * has more critical alerts queued than it may investigate).
 *
 * Usage: deno task alignment [--seeds 200] [--tasks easy,medium,hard]
 *        [--agents a,b,...] [--json FILE]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createAgent, meanInterval } from "../../src/eval/mod.ts";
import { type Agent, agentContext, getTask, gradeEpisode, makeEnv, TASK_IDS } from "../../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "200" },
    "seed-start": { type: "string", default: "10000000" },
    tasks: { type: "string" },
    agents: { type: "string" },
    json: { type: "string" },
  },
});
const SEEDS = Number(values.seeds);
const START = Number(values["seed-start"]);
const DEFAULT_AGENTS = [
  "random",
  "always-investigate",
  "always-ignore",
  "always-escalate",
  "always-delay",
  "top-k-confidence",
  "top-k-severity",
  "escalate-loudest",
  "ignore-unsure",
  "rules",
  "rules-tuned",
  "linear",
  "ppo",
  "oracle",
];
const tasks = values.tasks?.split(",") ?? [...TASK_IDS];
const agents = values.agents?.split(",") ?? DEFAULT_AGENTS;

/** Spearman rank correlation (average ranks for ties). */
export function spearman(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const rx = rank(x), ry = rank(y);
  const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n, my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

interface Row {
  task: string;
  agent: string;
  return: number;
  score: number;
  scoreLo: number;
  scoreHi: number;
  success: number;
  investigations: number;
  precision: number;
}

const rows: Row[] = [];
const binding: Record<string, { ticks: number; bound: number }> = {};
for (const task of tasks) {
  const env = makeEnv(task);
  for (const name of agents) {
    let agent: Agent;
    try {
      agent = await createAgent(name, task);
    } catch (e) {
      console.error(`skip ${name}: ${(e as Error).message}`);
      continue;
    }
    const returns: number[] = [], scores: number[] = [];
    let successes = 0, inv = 0, invCritical = 0;
    const oracle = name === "oracle";
    if (oracle) binding[task] = { ticks: 0, bound: 0 };
    for (let i = 0; i < SEEDS; i++) {
      const seed = START + i;
      agent.reset?.(seed);
      let { observation } = env.reset({ seed });
      let ret = 0;
      for (;;) {
        if (oracle) {
          const truth = env.world;
          let roots = 0;
          for (let q = 0; q < truth.queueLength; q++) {
            if (truth.aKind[truth.queue[q]] === 0) roots++;
          }
          binding[task].ticks++;
          if (roots > observation.investigation_budget) binding[task].bound++;
        }
        const action = await agent.act(observation, agentContext(agent, () => env.state()));
        const step = env.step(action);
        ret += step.reward.value;
        observation = step.observation;
        if (step.terminated || step.truncated) break;
      }
      const truth = env.state().truth!;
      for (const a of truth.alerts) {
        if (a.decision === "INVESTIGATE") {
          inv++;
          if (a.kind === "critical") invCritical++;
        }
      }
      const grade = gradeEpisode(env);
      returns.push(ret);
      scores.push(grade.score);
      if (grade.success) successes++;
    }
    const ci = meanInterval(scores);
    rows.push({
      task,
      agent: name,
      return: returns.reduce((a, b) => a + b, 0) / SEEDS,
      score: ci.mean,
      scoreLo: ci.low,
      scoreHi: ci.high,
      success: successes / SEEDS,
      investigations: inv / SEEDS,
      precision: inv ? invCritical / inv : 0,
    });
  }
}

for (const task of tasks) {
  const t = rows.filter((r) => r.task === task);
  const rho = spearman(t.map((r) => r.return), t.map((r) => r.score));
  const b = binding[task];
  console.log(
    `\n## ${task} (threshold ${getTask(task).successThreshold}; Spearman(return, score) = ${
      rho.toFixed(3)
    }; budget binds on ${b ? (100 * b.bound / b.ticks).toFixed(1) : "?"}% of oracle ticks)`,
  );
  console.log(
    "| agent | mean return | mean score (95% CI) | success | investigations | precision |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of t) {
    console.log(
      `| ${r.agent} | ${r.return.toFixed(1)} | ${r.score.toFixed(3)} (${r.scoreLo.toFixed(3)}-${
        r.scoreHi.toFixed(3)
      }) | ${(100 * r.success).toFixed(0)}% | ${r.investigations.toFixed(1)} | ${
        (100 * r.precision).toFixed(0)
      }% |`,
    );
  }
}
if (values.json) {
  await Deno.writeTextFile(values.json, JSON.stringify({ rows, binding }, null, 2) + "\n");
}
