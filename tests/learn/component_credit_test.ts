import assert from "node:assert/strict";
import { ComponentCredit } from "../../src/learn/component_credit.ts";
import { ESCALATE } from "../../src/sim/codes.ts";
import { REWARD_INDEX, REWARD_WEIGHTS } from "../../src/rewards.ts";
import { World } from "../../src/sim/world.ts";
import { getTask } from "../../tasks/registry.ts";
import { Rng } from "../../src/rng.ts";

function counts(c: Partial<Record<keyof typeof REWARD_INDEX, number>>): Int32Array {
  const out = new Int32Array(REWARD_WEIGHTS.length);
  for (const [k, v] of Object.entries(c)) out[REWARD_INDEX[k as keyof typeof REWARD_INDEX]] = v;
  return out;
}

/**
 * One step of a fresh {@link ComponentCredit}: `completed` escalations were queued by earlier
 * steps and complete during this one.
 */
function creditByComponents(
  c: Int32Array,
  actions: number[],
  slotAlert: Int32Array,
  off: number,
  slots: number,
  scale: number,
  outAlert: Int32Array,
  outValue: Float64Array,
  outOff: number,
  completed: number[] = [],
  completedCount = 0,
): number {
  const credit = new ComponentCredit(64);
  credit.beforeStep(completed.map(() => ESCALATE), completed, 0, completedCount, 0);
  credit.beforeStep(actions, slotAlert, off, slots, completedCount);
  let added = 0;
  for (let j = 0; j < slots; j++) {
    if (slotAlert[off + j] >= 0 && actions[off + j] === ESCALATE) added++;
  }
  return credit.afterStep(c, added, scale, outAlert, outValue, outOff);
}

Deno.test("creditByComponents shares each component among the decisions that could cause it", () => {
  const alerts = new Int32Array(8), values = new Float64Array(8);
  // slots: INVESTIGATE A10, IGNORE A11, IGNORE A12, ESCALATE A13, DELAY A14, empty slot
  const actions = [0, 1, 1, 2, 3, 1];
  const slotAlert = new Int32Array([10, 11, 12, 13, 14, -1]);
  const c = counts({
    critical_resolved: 2, // one by the investigation, one by an escalation completing
    cascade_prevented: 1,
    false_positive_ignored: 1,
    critical_missed: 1,
    wasted_escalation: 1,
    system_failure: 1, // nobody's decision this step: stays shared
  });
  const n = creditByComponents(c, actions, slotAlert, 0, 6, 1, alerts, values, 0);
  assert.equal(n, 4, "one event per decided alert; DELAY and empty slots get none");
  assert.deepEqual([...alerts.subarray(0, 4)], [10, 11, 12, 13]);
  assert.equal(values[0], (2 * 10 + 5) / 2, "half the resolutions: one investigation of two");
  assert.equal(values[1], (3 - 8) / 2);
  assert.equal(values[2], (3 - 8) / 2);
  assert.equal(values[3], -3);
});

Deno.test("creditByComponents never credits more than the step's reward on a real world", () => {
  const task = getTask("hard");
  const world = new World(task.world);
  const rng = new Rng(5);
  const S = world.config.maxQueue;
  const actions = new Int8Array(S), slotAlert = new Int32Array(S);
  const alerts = new Int32Array(S), values = new Float64Array(S);
  const credit = new ComponentCredit(world.alertCapacity);
  for (let episode = 0; episode < 5; episode++) {
    world.reset(episode);
    credit.reset();
    while (!world.terminated && !world.truncated) {
      for (let j = 0; j < S; j++) {
        slotAlert[j] = j < world.queueLength ? world.queue[j] : -1;
        actions[j] = j === 0 ? 0 : 1 + rng.int(3);
      }
      credit.beforeStep(actions, slotAlert, 0, S, world.escalationCount);
      world.step(actions);
      const n = credit.afterStep(world.rewardCounts, world.escalationCount, 1, alerts, values, 0);
      let credited = 0;
      for (let k = 0; k < n; k++) credited += values[k];
      const shared = world.lastReward() - credited;
      // What stays shared is only failures, and resolutions/misses no decision of this step explains.
      assert.ok(
        shared <=
          10 * world.rewardCounts[REWARD_INDEX.critical_resolved] +
            5 * world.rewardCounts[REWARD_INDEX.cascade_prevented] + 1e-9,
      );
      assert.ok(
        shared >=
          -10 * world.rewardCounts[REWARD_INDEX.system_failure] -
            8 * world.rewardCounts[REWARD_INDEX.critical_missed] - 1e-9,
      );
    }
  }
});

Deno.test("creditByComponents gives resolutions no investigation explains to the completed escalations", () => {
  const alerts = new Int32Array(8), values = new Float64Array(8);
  const c = counts({ critical_resolved: 1 }); // nobody investigated: an escalation completed
  const n = creditByComponents(c, [1, 3], new Int32Array([20, 21]), 0, 2, 0.5, alerts, values, 0, [
    5,
  ], 1);
  assert.equal(n, 2);
  assert.deepEqual([alerts[0], values[0]], [20, 0], "the IGNORE of this step earned nothing");
  assert.deepEqual([alerts[1], values[1]], [5, 10 * 0.5], "the escalated alert A6 earned the +10");
});
