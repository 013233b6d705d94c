/**
 * The calibration of the v1 tasks on a small held-out seed set (20 seeds per task from
 * 10,000,000), a fast check; the 200-seed table comes from `deno task eval --seeds 200` and
 * `scripts/tasks/alignment.ts`. The one-line probes (`src/agents/probes.ts`) are the anti-gaming
 * checks: none may score above the seed's rules.
 *
 * Measured on these seeds when the test was written (mean score):
 *
 * | agent              | easy  | medium | hard  |
 * | ------------------ | ----- | ------ | ----- |
 * | random             | 0.024 | 0.047  | 0.039 |
 * | always-investigate | 0.109 | 0.205  | 0.225 |
 * | always-ignore      | 0.341 | 0.089  | 0.099 |
 * | always-escalate    | 0.000 | 0.000  | 0.000 |
 * | always-delay       | 0.041 | 0.031  | 0.034 |
 * | top-k-confidence   | 0.185 | 0.213  | 0.228 |
 * | top-k-severity     | 0.408 | 0.261  | 0.236 |
 * | escalate-loudest   | 0.235 | 0.116  | 0.130 |
 * | ignore-unsure      | 0.662 | 0.397  | 0.300 |
 * | rules              | 0.682 | 0.562  | 0.463 |
 * | rules-tuned        | 0.899 | 0.603  | 0.610 |
 * | linear             | 0.915 | 0.813  | 0.790 |
 * | oracle             | 1.000 | 1.000  | 1.000 |
 *
 * The tightest margin is `ignore-unsure` under the rules on easy (0.020).
 *
 * @module
 */
import assert from "node:assert/strict";
import { BASELINE_AGENTS } from "../../src/eval/agent_registry.ts";
import { evaluate } from "../../src/eval/evaluate.ts";
import { TASK_IDS } from "../../tasks/registry.ts";
import { PROBE_NAMES } from "../../src/agents/probes.ts";

const result = await evaluate({ agents: BASELINE_AGENTS, seeds: 20 });
const score = (agent: string, task: string): number =>
  result.summaries.find((s) => s.agent === agent && s.task === task)!.score.mean;
const CONSTANTS = BASELINE_AGENTS.filter((a) => a.startsWith("always-"));

Deno.test("calibration: random scores at most 0.25 on every task", () => {
  for (const t of TASK_IDS) {
    assert.ok(score("random", t) <= 0.25, `random/${t} ${score("random", t)}`);
  }
});

Deno.test("calibration: oracle scores at least 0.90 on every task", () => {
  for (const t of TASK_IDS) {
    assert.ok(score("oracle", t) >= 0.9, `oracle/${t} ${score("oracle", t)}`);
  }
});

Deno.test("calibration: the seed's rules score 0.40-0.70, below the threshold on medium and hard", () => {
  for (const t of TASK_IDS) {
    const r = score("rules", t);
    assert.ok(r >= 0.4 && r <= 0.7, `rules/${t} ${r} outside [0.40, 0.70]`);
  }
  for (const t of ["medium", "hard"]) {
    const s = result.summaries.find((x) => x.agent === "rules" && x.task === t)!;
    assert.ok(s.score.mean < s.success_threshold, `rules/${t} ${s.score.mean}`);
  }
});

Deno.test("calibration (anti-gaming): no constant and no one-line probe beats the seed's rules", () => {
  for (const t of TASK_IDS) {
    for (const a of [...CONSTANTS, ...PROBE_NAMES]) {
      assert.ok(score(a, t) <= score("rules", t), `${a}/${t} ${score(a, t)} > rules`);
    }
  }
});

Deno.test("calibration: rules score easy > medium > hard; the tuned baselines improve on them", () => {
  assert.ok(score("rules", "easy") >= score("rules", "medium") + 0.05);
  assert.ok(score("rules", "medium") >= score("rules", "hard") + 0.05);
  for (const t of TASK_IDS) {
    assert.ok(score("rules-tuned", t) >= score("rules", t), `rules-tuned/${t}`);
    assert.ok(score("linear", t) >= score("rules", t), `linear/${t}`);
  }
});
