/**
 * Statistics of the evaluation tables against textbook values.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  mean,
  meanInterval,
  sampleSd,
  studentTCdf,
  studentTQuantile,
  wilsonInterval,
} from "../../src/eval/stats.ts";
import { evaluate } from "../../src/eval/evaluate.ts";

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: ${actual} is not within ${tol} of ${expected}`,
  );
}

Deno.test("studentTQuantile() matches the t table at 97.5%", () => {
  const table: [number, number][] = [
    [1, 12.7062047],
    [2, 4.3026527],
    [4, 2.7764451],
    [9, 2.2621572],
    [19, 2.0930241],
    [99, 1.9842170],
    [199, 1.9719565],
    [1e7, 1.9599640],
  ];
  for (const [df, t] of table) near(studentTQuantile(0.975, df), t, 1e-6, `t(0.975, ${df})`);
  near(studentTQuantile(0.025, 9), -2.2621572, 1e-6, "lower tail is symmetric");
  assert.equal(studentTQuantile(0.5, 3), 0);
  assert.ok(Number.isNaN(studentTQuantile(0.975, 0)));
});

Deno.test("studentTCdf() is the CDF of the Cauchy distribution at df = 1", () => {
  for (const t of [-3, -0.5, 0, 0.7, 4]) {
    near(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12, `cdf(${t})`);
  }
});

Deno.test("meanInterval() gives mean ± t·sd/√n on known data", () => {
  const ci = meanInterval([1, 2, 3, 4, 5]);
  assert.equal(ci.n, 5);
  assert.equal(ci.mean, 3);
  near(ci.sd, Math.sqrt(2.5), 1e-12, "sd");
  near(ci.half_width, 2.7764451 * Math.sqrt(2.5) / Math.sqrt(5), 1e-6, "half width");
  near(ci.low, 1.0367568, 1e-6, "low");
  near(ci.high, 4.9632432, 1e-6, "high");
});

Deno.test("meanInterval() of a constant sample has zero width, and is undefined below 2", () => {
  const flat = meanInterval([0.4, 0.4, 0.4]);
  near(flat.half_width, 0, 1e-12, "half width");
  near(flat.low, 0.4, 1e-12, "low");
  const one = meanInterval([0.7]);
  assert.equal(one.mean, 0.7);
  assert.ok(Number.isNaN(one.half_width) && Number.isNaN(one.sd));
  assert.ok(Number.isNaN(mean([])) && Number.isNaN(sampleSd([1])));
});

Deno.test("wilsonInterval() matches the Wilson score interval and stays in [0, 1]", () => {
  const r = wilsonInterval(7, 10);
  near(r.low, 0.3967781, 1e-6, "low");
  near(r.high, 0.8922087, 1e-6, "high");
  const none = wilsonInterval(0, 20);
  assert.equal(none.low, 0);
  near(none.high, 0.1611252, 1e-6, "high at 0/20");
  const all = wilsonInterval(20, 20);
  assert.equal(all.high, 1);
  near(all.low, 1 - 0.1611252, 1e-6, "low at 20/20");
});

Deno.test("evaluate() reports a 95% CI that contains the mean", async () => {
  const result = await evaluate({ agents: ["random", "rules"], tasks: ["easy", "hard"], seeds: 8 });
  for (const s of result.summaries) {
    const scores = result.episodes.filter((e) => e.agent === s.agent && e.task === s.task)
      .map((e) => e.score);
    const expected = meanInterval(scores);
    assert.equal(s.score.mean, expected.mean);
    assert.equal(s.score.half_width, expected.half_width);
    assert.ok(s.score.low <= s.score.mean && s.score.mean <= s.score.high);
    assert.ok(s.success.low <= s.success.rate && s.success.rate <= s.success.high);
  }
});
