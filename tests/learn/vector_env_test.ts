/**
 * The vector environment against the reference environment: same seeds and decisions give the
 * same rewards, the same encoded observations (via the agent's encoding path), SameStep
 * autoreset with correct episode statistics, and a grader-aligned return equal to the score.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  FeatureEncoder,
  fillFromObservation,
  GLOBAL_FEATURES,
  NUM_ACTIONS,
  SLOT_FEATURES,
} from "../../src/learn/features.ts";
import { VectorEnv } from "../../src/learn/vector_env.ts";
import { Rng } from "../../src/rng.ts";
import { getTask, gradeEpisode, makeEnv, TASKS } from "../../tasks/registry.ts";

/** Random decisions with at most `budget` INVESTIGATE, written into `out[off..off+n)`. */
function randomCodes(rng: Rng, n: number, budget: number, out: Int8Array, off: number): void {
  let used = 0;
  for (let j = 0; j < n; j++) {
    let c = rng.int(4);
    if (c === 0 && used++ >= budget) c = 3;
    out[off + j] = c;
  }
}

for (const task of TASKS) {
  Deno.test(`VectorEnv matches AlertTriageEnv step for step on ${task.id}`, () => {
    const N = 2;
    const vec = new VectorEnv({ task, numEnvs: N, seed: 3, reward: "env" });
    vec.reset();
    const S = vec.slots;
    const envs = [makeEnv(task.id), makeEnv(task.id)];
    envs.forEach((env, i) => env.reset({ seed: vec.seeds[i] }));
    const enc = new FeatureEncoder(task.world, S);
    const index = new Map(task.world.services.map((s, i) => [s.name, i]));
    const slotObs = new Float32Array(S * SLOT_FEATURES),
      globalObs = new Float32Array(GLOBAL_FEATURES);
    const valid = new Uint8Array(S),
      mask = new Uint8Array(S * NUM_ACTIONS),
      pos = new Int32Array(S);
    const rng = new Rng(9);
    let episodes = 0;
    for (let step = 0; step < 120; step++) {
      for (let i = 0; i < N; i++) {
        const obs = envs[i].observation();
        fillFromObservation(enc.raw, obs, index, pos);
        enc.encode(slotObs, 0, globalObs, 0, valid, 0, mask, 0);
        assert.deepEqual(
          slotObs,
          vec.slotObs.subarray(i * S * SLOT_FEATURES, (i + 1) * S * SLOT_FEATURES),
        );
        assert.deepEqual(
          globalObs,
          vec.globalObs.subarray(i * GLOBAL_FEATURES, (i + 1) * GLOBAL_FEATURES),
        );
        assert.deepEqual(valid, vec.slotValid.subarray(i * S, (i + 1) * S));
        assert.equal(vec.budget[i], obs.investigation_budget);
        vec.actions.fill(3, i * S, (i + 1) * S);
        randomCodes(rng, obs.queue_length, obs.investigation_budget, vec.actions, i * S);
      }
      vec.step();
      for (let i = 0; i < N; i++) {
        const n = envs[i].world.queueLength;
        const r = envs[i].stepCodes(vec.actions.subarray(i * S, i * S + n));
        assert.equal(vec.envRewards[i], r.reward.value);
        assert.equal(vec.terminations[i], r.terminated ? 1 : 0);
        assert.equal(vec.truncations[i], r.truncated ? 1 : 0);
        assert.equal(vec.episodeDone[i], r.terminated || r.truncated ? 1 : 0);
        if (vec.episodeDone[i]) {
          episodes++;
          assert.equal(vec.episodeReturn[i], r.info.episode!.r);
          assert.equal(vec.episodeLength[i], r.info.episode!.l);
          assert.equal(vec.episodeScore[i], gradeEpisode(envs[i]).score);
          envs[i].reset({ seed: vec.seeds[i] });
        }
      }
    }
    assert.ok(episodes >= 2, `only ${episodes} episodes ended`);
  });
}

Deno.test("VectorEnv grader reward sums to scale x the grader score over an episode", () => {
  for (const task of TASKS) {
    const vec = new VectorEnv({
      task,
      numEnvs: 3,
      seed: 5,
      rewardScale: 10,
      correction: "always",
    });
    vec.reset();
    const rng = new Rng(2);
    const sums = new Float64Array(3);
    let checked = 0;
    while (checked < 6) {
      for (let i = 0; i < 3; i++) {
        vec.actions.fill(3, i * vec.slots, (i + 1) * vec.slots);
        randomCodes(rng, vec.worlds[i].queueLength, vec.budget[i], vec.actions, i * vec.slots);
      }
      vec.step();
      for (let i = 0; i < 3; i++) {
        sums[i] += vec.rewards[i];
        if (!vec.episodeDone[i]) continue;
        assert.ok(Math.abs(sums[i] - 10 * vec.episodeScore[i]) < 1e-3, `${task.id}: ${sums[i]}`);
        assert.ok(Math.abs(vec.episodeTrainReturn[i] - sums[i]) < 1e-3);
        sums[i] = 0;
        checked++;
      }
    }
  }
});

Deno.test("VectorEnv autoresets in SameStep mode and keeps the final observation", () => {
  const task = TASKS[0];
  const vec = new VectorEnv({ task, numEnvs: 1, seed: 1, reward: "env" });
  assert.equal(vec.metadata.autoreset_mode, "SameStep");
  vec.reset();
  const first = vec.seeds[0];
  let steps = 0, before = Float32Array.from(vec.slotObs);
  while (true) {
    // Investigate the first `budget` alerts, ignore the rest.
    for (let j = 0; j < vec.slots; j++) vec.actions[j] = j < vec.budget[0] ? 0 : 1;
    before = Float32Array.from(vec.slotObs);
    vec.step();
    steps++;
    if (vec.episodeDone[0]) break;
    assert.equal(vec.terminations[0] + vec.truncations[0], 0);
  }
  assert.equal(vec.terminations[0] + vec.truncations[0], 1);
  assert.equal(vec.episodeLength[0], steps);
  assert.equal(vec.episodeSeed[0], first);
  assert.notEqual(vec.seeds[0], first);
  assert.equal(vec.worlds[0].tick, 0); // the returned observation is the new episode's first
  assert.equal(vec.globalObs[5], 0); // tick / horizon
  assert.ok(vec.finalGlobalObs[5] > 0); // the final observation is the ended episode's last
  assert.notDeepEqual(vec.finalSlotObs, before);
  vec.step();
  assert.equal(vec.episodeDone[0], 0);
});

Deno.test("VectorEnv draws training seeds below the limit, reproducibly", () => {
  const a = new VectorEnv({ task: TASKS[1], numEnvs: 4, seed: 12 });
  const b = new VectorEnv({ task: TASKS[1], numEnvs: 4, seed: 12 });
  a.reset();
  b.reset();
  assert.deepEqual(a.seeds, b.seeds);
  for (const s of a.seeds) assert.ok(s >= 0 && s < 1_000_000 && Number.isInteger(s));
  assert.deepEqual(a.slotObs, b.slotObs);
});

Deno.test("VectorEnv NextStep: the ending step keeps the last observation, the next one resets", () => {
  const vec = new VectorEnv({
    task: getTask("easy"),
    numEnvs: 2,
    seed: 4,
    reward: "env",
    autoreset: "NextStep",
  });
  assert.equal(vec.metadata.autoreset_mode, "NextStep");
  vec.reset();
  vec.actions.fill(3);
  let ended = -1;
  for (let t = 0; t < 200 && ended < 0; t++) {
    vec.step();
    if (vec.episodeDone[0]) ended = t;
  }
  assert.ok(ended >= 0);
  assert.ok(vec.terminations[0] || vec.truncations[0]);
  const seed = vec.seeds[0], lastObs = vec.slotObs.slice(0, vec.slots * 33);
  assert.equal(vec.episodeSeed[0], seed); // not reset yet: the running seed is the ended one's
  assert.ok(lastObs.some((x) => x !== 0));
  vec.actions.fill(0); // ignored for env 0 on the resetting step
  vec.step();
  assert.equal(vec.rewards[0], 0);
  assert.equal(vec.terminations[0] + vec.truncations[0] + vec.episodeDone[0], 0);
  assert.notEqual(vec.seeds[0], seed);
  assert.equal(vec.worlds[0].tick, 0);
});
