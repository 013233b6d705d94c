/**
 * The evaluation runner as a library: seeds, agents by name or instance, structure of the
 * result, determinism, progress and failures before play.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  AGENT_NAMES,
  AgentUnavailableError,
  BASELINE_AGENTS,
  createAgent,
  ppoPolicyUrl,
  UnknownAgentError,
} from "../../src/eval/agent_registry.ts";
import {
  DEFAULT_SEEDS,
  EVAL_SEED_START,
  type EvalProgress,
  evalSeeds,
  evaluate,
} from "../../src/eval/evaluate.ts";
import type { Agent } from "../../src/agents/agent.ts";
import { UnknownTaskError } from "../../tasks/registry.ts";

Deno.test("evalSeeds() defaults to 100 held-out seeds from 10,000,000", () => {
  const seeds = evalSeeds();
  assert.equal(DEFAULT_SEEDS, 100);
  assert.equal(EVAL_SEED_START, 10_000_000);
  assert.equal(seeds.length, 100);
  assert.equal(seeds[0], 10_000_000);
  assert.equal(seeds[99], 10_000_099);
  assert.deepEqual(evalSeeds(3, 7), [7, 8, 9]);
  assert.deepEqual(evalSeeds([5, 1]), [5, 1]);
  assert.throws(() => evalSeeds(0), RangeError);
  assert.throws(() => evalSeeds([-1]), RangeError);
});

Deno.test("evaluate() returns one summary per agent and task and one row per episode", async () => {
  const progress: EvalProgress[] = [];
  const result = await evaluate({
    agents: ["rules", "always-ignore"],
    tasks: ["medium", "easy"],
    seeds: 4,
    seedStart: 500,
    onProgress: (p) => progress.push(p),
  });
  assert.deepEqual(result.meta.agents, ["rules", "always-ignore"]);
  assert.deepEqual(result.meta.tasks, ["medium", "easy"]);
  assert.deepEqual(result.meta.seeds, [500, 501, 502, 503]);
  assert.deepEqual(
    result.summaries.map((s) => `${s.agent}/${s.task}`),
    ["rules/medium", "rules/easy", "always-ignore/medium", "always-ignore/easy"],
  );
  assert.equal(result.episodes.length, 16);
  for (const s of result.summaries) {
    assert.equal(s.episodes, 4);
    const rows = result.episodes.filter((e) => e.agent === s.agent && e.task === s.task);
    assert.deepEqual(rows.map((e) => e.seed), [500, 501, 502, 503]);
    const returns = rows.reduce((r, e) => r + e.return, 0) / 4;
    assert.ok(Math.abs(s.return.mean - returns) < 1e-9);
    assert.equal(s.success.k, rows.filter((e) => e.success).length);
    assert.equal(Object.keys(s.reward_components).length, 7);
    assert.ok("survival" in s.grade_components);
  }
  assert.equal(progress.length, 16);
  assert.deepEqual(progress.map((p) => p.done), Array.from({ length: 16 }, (_, i) => i + 1));
  assert.equal(progress.filter((p) => p.completed).length, 4);
  assert.ok(progress.every((p) => p.total === 16));
});

Deno.test("evaluate() is deterministic: same seeds, same episodes", async () => {
  const run = () => evaluate({ agents: ["random", "oracle"], tasks: ["hard"], seeds: 5 });
  const [a, b] = [await run(), await run()];
  assert.deepEqual(a.episodes, b.episodes);
  assert.deepEqual(a.summaries, b.summaries);
});

Deno.test("evaluate() accepts agent instances, async ones included", async () => {
  const seen: number[] = [];
  const agent: Agent = {
    name: "async-delay",
    reset: (seed) => seen.push(seed),
    act: () => Promise.resolve({ decisions: [] }),
  };
  const result = await evaluate({ agents: [agent], tasks: ["easy"], seeds: [3, 4] });
  assert.deepEqual(seen, [3, 4]);
  assert.equal(result.summaries[0].agent, "async-delay");
  const delay = await evaluate({ agents: ["always-delay"], tasks: ["easy"], seeds: [3, 4] });
  assert.deepEqual(
    result.episodes.map((e) => e.score),
    delay.episodes.map((e) => e.score),
  );
});

Deno.test("evaluate() fails before playing on an unknown agent or task", async () => {
  let played = 0;
  const onProgress = () => played++;
  await assert.rejects(
    evaluate({ agents: ["rules", "nobody"], tasks: ["easy"], seeds: 2, onProgress }),
    UnknownAgentError,
  );
  await assert.rejects(
    evaluate({ agents: ["rules"], tasks: ["nightmare"], seeds: 2 }),
    UnknownTaskError,
  );
  await assert.rejects(evaluate({ agents: [], seeds: 2 }), RangeError);
  assert.equal(played, 0);
});

Deno.test("evaluate() wraps an invalid action with agent, task, seed and step", async () => {
  const bad: Agent = {
    name: "bad",
    act: () => ({ alert_id: "A999", action_type: "INVESTIGATE" }),
  };
  await assert.rejects(
    evaluate({ agents: [bad], tasks: ["easy"], seeds: [42] }),
    /agent bad on easy, seed 42, step 0: .*unknown alert id/,
  );
});

Deno.test("createAgent() knows every registry name, ppo through its policy file", async () => {
  assert.deepEqual(AGENT_NAMES.filter((n) => !BASELINE_AGENTS.includes(n)), ["ppo"]);
  for (const name of BASELINE_AGENTS) assert.equal((await createAgent(name, "easy")).name, name);
  // With a trained policy the agent loads; without one the error says which file is missing.
  let policy = true;
  try {
    await Deno.stat(ppoPolicyUrl("hard"));
  } catch {
    policy = false;
  }
  if (policy) {
    const agent = await createAgent("ppo", "hard");
    assert.equal(typeof agent.act, "function");
  } else {
    await assert.rejects(
      createAgent("ppo", "hard"),
      (e) => e instanceof AgentUnavailableError && /policies\/hard\.json/.test(e.message),
    );
  }
});
