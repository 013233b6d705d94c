/**
 * Per-alert credit assignment: the shaped reward is fully attributed to alerts, the tracker
 * conserves reward (with gamma = 1) and links every alert to its own slot at the next step.
 *
 * @module
 */
import assert from "node:assert/strict";
import { CreditTracker } from "../../src/learn/credit.ts";
import { GraderShaping, shapingTable } from "../../src/learn/reward_shaping.ts";
import { RolloutBuffer } from "../../src/learn/rollout.ts";
import { VectorEnv } from "../../src/learn/vector_env.ts";
import { Rng } from "../../src/rng.ts";
import { World } from "../../src/sim/world.ts";
import { TASKS } from "../../tasks/registry.ts";

function randomActions(vec: VectorEnv, rng: Rng): void {
  const S = vec.slots;
  for (let e = 0; e < vec.numEnvs; e++) {
    let used = 0;
    for (let j = 0; j < S; j++) {
      let c = vec.slotValid[e * S + j] ? rng.int(4) : 3;
      if (c === 0 && used++ >= vec.budget[e]) c = 3;
      vec.actions[e * S + j] = c;
    }
  }
}

Deno.test("GraderShaping attributes the whole shaped reward to alerts", () => {
  for (const task of TASKS) {
    const world = new World(task.world);
    const shaping = new GraderShaping(world, shapingTable(task), 10);
    const rng = new Rng(4);
    const codes = new Int8Array(world.config.maxQueue);
    let events = 0;
    for (let episode = 0; episode < 3; episode++) {
      world.reset(100 + episode);
      shaping.begin();
      while (!world.terminated && !world.truncated) {
        for (let j = 0; j < codes.length; j++) codes[j] = 1 + rng.int(3);
        if (world.queueLength > 0) codes[0] = 0;
        shaping.before();
        world.step(codes);
        const r = shaping.after();
        let sum = 0;
        for (let k = 0; k < shaping.eventCount; k++) sum += shaping.eventValue[k];
        assert.ok(Math.abs(sum - r) < 1e-9, `${task.id}: events ${sum} vs reward ${r}`);
        events += shaping.eventCount;
      }
    }
    assert.ok(events > 50, `${task.id}: only ${events} events`);
  }
});

Deno.test("CreditTracker conserves reward and links alerts to their next slot", () => {
  const task = TASKS[2];
  const vec = new VectorEnv({ task, numEnvs: 3, seed: 8, correction: "always" });
  const T = 60, N = 3, S = vec.slots;
  const buf = new RolloutBuffer(T, N, S);
  const credit = new CreditTracker(buf, vec.worlds[0].alertCapacity, 1);
  const alerts = new Int32Array((T + 1) * N * S);
  const rng = new Rng(1);
  vec.reset();
  credit.startRollout();
  let total = 0;
  for (let t = 0; t < T; t++) {
    alerts.set(vec.slotAlert, t * N * S);
    buf.valid.set(vec.slotValid, t * N * S);
    credit.record(t, vec.slotAlert, vec.slotValid);
    randomActions(vec, rng);
    vec.step();
    for (let e = 0; e < N; e++) total += vec.rewards[e];
    credit.credit(t, vec);
  }
  alerts.set(vec.slotAlert, T * N * S);
  credit.finish(vec.slotAlert, vec.slotValid);
  let credited = 0, links = 0;
  for (let k = 0; k < buf.size; k++) credited += buf.rewards[k];
  for (let k = 0; k < buf.size * S; k++) {
    credited += buf.slotRewards[k];
    const n = buf.nextSlot[k];
    if (n < 0) continue;
    links++;
    assert.equal(buf.valid[k], 1);
    const s = Math.floor(k / S);
    assert.equal(alerts[(s + N) * S + n], alerts[k], "the link points at the same alert");
    assert.equal(buf.dones[s], 0, "no link across an episode end");
  }
  assert.ok(Math.abs(credited - total) < 1e-6, `credited ${credited} of ${total}`);
  assert.ok(links > 100, `only ${links} links`);
});
