/**
 * The PPO objective's gradient against finite differences, GAE on hand-computed cases, and
 * Adam / gradient clipping basics.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Adam, clipGradNorm } from "../../src/learn/adam.ts";
import { GLOBAL_FEATURES, SLOT_FEATURES } from "../../src/learn/features.ts";
import { SlotPolicy } from "../../src/learn/policy.ts";
import { DEFAULT_PPO, minibatchLoss } from "../../src/learn/ppo_update.ts";
import { RolloutBuffer } from "../../src/learn/rollout.ts";
import { Rng } from "../../src/rng.ts";

/** A small random rollout whose old log-probs are near (not equal to) the current ones. */
function randomRollout(policy: SlotPolicy, rng: Rng): RolloutBuffer {
  const S = policy.spec.slots;
  const buf = new RolloutBuffer(3, 2, S);
  for (let i = 0; i < buf.slotObs.length; i++) buf.slotObs[i] = rng.float() < 0.3 ? 0 : rng.float();
  for (let i = 0; i < buf.globalObs.length; i++) buf.globalObs[i] = rng.float();
  for (let s = 0; s < buf.size; s++) {
    const n = rng.int(S + 1); // valid slots are a prefix
    let used = 0;
    for (let j = 0; j < S; j++) {
      const k = s * S + j;
      buf.valid[k] = j < n ? 1 : 0;
      const ok = used < 1 ? 1 : 0;
      buf.allowed[k] = ok;
      const a = ok ? rng.int(4) : 1 + rng.int(3);
      if (a === 0) used++;
      buf.actions[k] = a;
      buf.slotLogp[k] = -1.2 + 0.5 * rng.normal();
      buf.slotValues[k] = rng.normal();
      buf.slotAdvantages[k] = rng.normal();
      buf.slotReturns[k] = buf.slotValues[k] + rng.normal();
    }
    buf.values[s] = rng.normal();
    buf.advantages[s] = rng.normal();
    buf.returns[s] = buf.values[s] + rng.normal();
  }
  return buf;
}

for (const activation of ["tanh", "relu"] as const) {
  Deno.test(`minibatchLoss() gradient matches finite differences (${activation})`, () => {
    checkLossGradient(activation);
  });
}

function checkLossGradient(activation: "tanh" | "relu"): void {
  const rng = new Rng(11);
  const policy = new SlotPolicy({
    slots: 4,
    actorHidden: [6, 5],
    criticEmbed: 5,
    criticHidden: [4],
    activation,
  });
  policy.init(rng);
  for (let i = 0; i < policy.params.length; i++) policy.params[i] += 0.3 * rng.normal();
  const buf = randomRollout(policy, rng);
  const mb = Int32Array.from({ length: buf.size }, (_, i) => i);
  const cfg = { ...DEFAULT_PPO, entCoef: 0.05, clipCoef: 0.3 };
  minibatchLoss(policy, buf, mb, buf.size, cfg);
  const grads = Float64Array.from(policy.grads);
  const h = 1e-6;
  let checked = 0;
  for (let i = 0; i < policy.params.length; i++) {
    const keep = policy.params[i];
    policy.params[i] = keep + h;
    const up = minibatchLoss(policy, buf, mb, buf.size, cfg);
    policy.params[i] = keep - h;
    const down = minibatchLoss(policy, buf, mb, buf.size, cfg);
    policy.params[i] = keep;
    const fd = (up - down) / (2 * h);
    assert.ok(
      Math.abs(fd - grads[i]) < 1e-5 * Math.max(1, Math.abs(fd)),
      `param ${i} of ${policy.params.length}: finite difference ${fd}, backprop ${grads[i]}`,
    );
    if (grads[i] !== 0) checked++;
  }
  assert.ok(checked > policy.params.length / 2, `only ${checked} non-zero gradients`);
}

Deno.test("SlotPolicy.gather() packs only valid slots with the global context appended", () => {
  const policy = new SlotPolicy({ slots: 3 });
  const F = SLOT_FEATURES, G = GLOBAL_FEATURES;
  const slotObs = new Float32Array(2 * 3 * F).map((_, i) => i);
  const globalObs = new Float32Array(2 * G).map((_, i) => 1000 + i);
  const valid = new Uint8Array([1, 1, 0, 1, 0, 0]);
  const rows = policy.gather(slotObs, globalObs, valid, new Int32Array([1, 0]), 2);
  assert.equal(rows, 3);
  assert.deepEqual([...policy.sampleStart.subarray(0, 2)], [0, 1]);
  assert.deepEqual([...policy.sampleRows.subarray(0, 2)], [1, 2]);
  assert.equal(policy.x[0], 3 * F); // observation 1, slot 0
  assert.equal(policy.x[F], 1000 + G); // its global context
  assert.equal(policy.x[policy.inputSize + F], 1000); // observation 0's context
});

Deno.test("RolloutBuffer.computeGae() matches a hand computation", () => {
  const buf = new RolloutBuffer(3, 1, 1);
  buf.rewards.set([1, 2, 3]);
  buf.values.set([0.5, 0.25, 1]);
  buf.dones.set([0, 1, 0]); // the episode ends at step 1; step 2 starts a new one
  const gamma = 0.9, lambda = 0.8;
  buf.computeGae(new Float64Array([2]), new Float64Array(1), gamma, lambda);
  const d2 = 3 + gamma * 2 - 1;
  const d1 = 2 - 0.25;
  const d0 = 1 + gamma * 0.25 - 0.5;
  const expected = [d0 + gamma * lambda * d1, d1, d2];
  for (let t = 0; t < 3; t++) {
    assert.ok(Math.abs(buf.advantages[t] - expected[t]) < 1e-12, `t=${t}`);
    assert.ok(Math.abs(buf.returns[t] - expected[t] - buf.values[t]) < 1e-12);
  }
});

Deno.test("RolloutBuffer.computeGae() follows each alert's chain of slots", () => {
  // One environment, 3 steps, 2 slots. Alert X sits in slot 1, then slot 0, then leaves;
  // alert Y sits in slot 0 at the last step and is still queued after it (bootstrap).
  const buf = new RolloutBuffer(3, 1, 2);
  buf.valid.set([0, 1, 1, 0, 1, 0]);
  buf.nextSlot.set([-1, 0, -1, -1, 1, -1]); // X: (0,1) -> (1,0) -> leaves; Y: (2,0) -> slot 1
  buf.slotValues.set([0, 0.5, 0.2, 0, 0.1, 0]);
  buf.slotRewards.set([0, 0, 1, 0, 2, 0]);
  const gamma = 0.9, lambda = 0.5;
  buf.computeGae(new Float64Array(1), new Float64Array([0, 0.7]), gamma, lambda);
  const dX1 = 1 - 0.2; // leaves after step 1: no bootstrap
  const dX0 = 0 + gamma * 0.2 - 0.5;
  const dY2 = 2 + gamma * 0.7 - 0.1; // still queued after the rollout: bootstrap
  assert.ok(Math.abs(buf.slotAdvantages[2] - dX1) < 1e-12);
  assert.ok(Math.abs(buf.slotAdvantages[1] - (dX0 + gamma * lambda * dX1)) < 1e-12);
  assert.ok(Math.abs(buf.slotAdvantages[4] - dY2) < 1e-12);
  assert.ok(Math.abs(buf.slotReturns[4] - dY2 - 0.1) < 1e-12);
});

Deno.test("clipGradNorm() scales to the limit and reports the norm", () => {
  const g = new Float64Array([3, 4]);
  assert.equal(clipGradNorm(g, 1), 5);
  assert.ok(Math.abs(Math.hypot(g[0], g[1]) - 1) < 1e-6);
  const small = new Float64Array([0.3, 0.4]);
  clipGradNorm(small, 1);
  assert.deepEqual([...small], [0.3, 0.4]);
});

Deno.test("Adam's first step moves every parameter by about lr against its gradient", () => {
  const p = new Float64Array([1, 1]);
  const adam = new Adam(2, { lr: 0.1 });
  adam.step(p, new Float64Array([2, -0.5]));
  assert.ok(Math.abs(p[0] - 0.9) < 1e-4 && Math.abs(p[1] - 1.1) < 1e-4);
});
