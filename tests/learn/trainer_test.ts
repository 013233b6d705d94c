/**
 * Training end to end on a tiny budget: reproducible weights for a seed, a policy file that
 * round-trips, and the PPO agent (wire observations) playing exactly like the fast vectorised
 * evaluator (typed arrays).
 *
 * @module
 */
import assert from "node:assert/strict";
import { loadPpoAgent, PpoAgent } from "../../src/agents/ppo.ts";
import { evaluatePolicy, heldOutSeeds, summarize } from "../../src/learn/evaluate_policy.ts";
import { policyFromFile, policyToFile, roundActorToFloat32 } from "../../src/learn/policy_file.ts";
import { DEFAULT_TRAIN, train, type TrainConfig } from "../../src/learn/trainer.ts";
import { parseTrainArgs } from "../../cli/train.ts";
import { scoreAgent } from "../../src/eval/score_agent.ts";
import { getTask } from "../../tasks/registry.ts";

const tiny = (taskId: string, seed: number): TrainConfig => ({
  ...DEFAULT_TRAIN,
  task: getTask(taskId),
  totalSteps: 2 * 4 * 32,
  numEnvs: 4,
  numSteps: 32,
  seed,
  policy: { actorHidden: [16], criticEmbed: 8, criticHidden: [8] },
});

Deno.test("train() is reproducible: the same seed gives the same weights", () => {
  const a = train(tiny("medium", 3));
  const b = train(tiny("medium", 3));
  const c = train(tiny("medium", 4));
  assert.deepEqual(a.policy.params, b.policy.params);
  assert.notDeepEqual(a.policy.params, c.policy.params);
  assert.equal(a.history.length, 2);
  const s = a.history[1].stats;
  for (const v of [s.pgLoss, s.vLoss, s.entropy, s.approxKl, s.clipFrac, s.gradNorm]) {
    assert.ok(Number.isFinite(v));
  }
  assert.ok(s.entropy > 0.5, "a barely trained policy is still exploring");
});

Deno.test("PpoAgent plays exactly like evaluatePolicy() after a save/load round trip", async () => {
  for (const taskId of ["easy", "hard"]) {
    const task = getTask(taskId);
    const { policy } = train(tiny(taskId, 1));
    roundActorToFloat32(policy);
    const file = JSON.parse(JSON.stringify(policyToFile(policy, taskId, task.world)));
    const seeds = heldOutSeeds(6);
    const fast = evaluatePolicy(policyFromFile(file).policy, task, seeds, 4);
    const slow = await scoreAgent(PpoAgent.fromFile(file), taskId, seeds);
    assert.deepEqual([...fast], slow);
    assert.ok(summarize(fast).mean >= 0);
  }
});

Deno.test("loadPpoAgent() reads <task>.json from a directory and explains a missing one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const task = getTask("easy");
    const { policy } = train(tiny("easy", 2));
    await Deno.writeTextFile(
      `${dir}/easy.json`,
      JSON.stringify(policyToFile(policy, "easy", task.world)),
    );
    const agent = await loadPpoAgent("easy", dir);
    assert.equal(agent.name, "ppo");
    await assert.rejects(
      () => loadPpoAgent("hard", dir),
      /No PPO policy for task "hard".*deno task train/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseTrainArgs() reads flags and rejects unknown ones", () => {
  const a = parseTrainArgs(["--task", "hard", "--steps=1000", "--seed", "7", "--hidden", "32,32"]);
  assert.deepEqual(a.tasks, ["hard"]);
  assert.equal(a.steps, 1000);
  assert.equal(a.seed, 7);
  assert.deepEqual(a.hidden, [32, 32]);
  assert.deepEqual(parseTrainArgs([]).tasks, ["easy", "medium", "hard"]);
  assert.throws(() => parseTrainArgs(["--bogus", "1"]), /unknown flag --bogus/);
  assert.throws(() => parseTrainArgs(["--task", "nope"]), /unknown task/);
});
