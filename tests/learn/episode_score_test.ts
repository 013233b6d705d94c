/**
 * The array-based episode score (`src/learn/episode_score.ts`) is exactly the task grader's
 * score (`task.grade` on `readTruth`), on random episodes of every task played by random
 * policies biased toward each decision (so that every reward event, terminated and truncated
 * episodes occur), and a task with another grader goes through `task.grade` itself.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { episodeScorer } from "../../src/learn/episode_score.ts";
import { Rng } from "../../src/rng.ts";
import { readTruth } from "../../src/sim/truth.ts";
import { World } from "../../src/sim/world.ts";
import type { Task } from "../../tasks/task.ts";
import { TASKS } from "../../tasks/registry.ts";

function graderScore(task: Task, w: World): number {
  return task.grade({
    truth: readTruth(w),
    steps: w.tick,
    horizon: w.config.horizon,
    terminated: w.terminated,
  }).score;
}

/** Plays one episode with codes drawn from `weights` (INVESTIGATE, IGNORE, ESCALATE, DELAY). */
function play(w: World, seed: number, policySeed: number, weights: number[]): void {
  w.reset(seed);
  const rng = new Rng(policySeed);
  const total = weights.reduce((a, b) => a + b, 0);
  const codes = new Int8Array(w.config.maxQueue);
  while (!w.terminated && !w.truncated) {
    for (let j = 0; j < codes.length; j++) {
      let x = rng.float() * total, c = 0;
      while (c < 3 && x >= weights[c]) x -= weights[c++];
      codes[j] = c;
    }
    w.step(codes);
  }
}

let terminated = 0, truncated = 0;
for (const task of TASKS) {
  Deno.test(`episodeScorer equals ${task.id}'s grader on random episodes`, () => {
    const score = episodeScorer(task);
    const w = new World(task.world);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 4, maxLength: 4 }),
        (seed, policySeed, raw) => {
          const weights = raw.map((x) => x + 0.5);
          play(w, seed, policySeed, weights);
          if (w.terminated) terminated++;
          else truncated++;
          assert.equal(score(w), graderScore(task, w));
        },
      ),
      { numRuns: 150, seed: 14 },
    );
  });
}

Deno.test("the random episodes above include terminated and truncated ones", () => {
  assert.ok(truncated > 0 && terminated > 0, `terminated ${terminated}, truncated ${truncated}`);
});

Deno.test("episodeScorer falls back to task.grade for another grader", () => {
  const base = TASKS[0];
  let calls = 0;
  const other: Task = {
    ...base,
    grade: (outcome) => {
      calls++;
      return { score: outcome.steps / 1000, components: {}, success: false };
    },
  };
  const w = new World(base.world);
  play(w, 5, 6, [1, 1, 1, 1]);
  assert.equal(episodeScorer(other)(w), w.tick / 1000);
  assert.equal(calls, 1);
});
