/**
 * The random stream is pinned: the committed policies, the tuned baselines and the published
 * tables depend on every world drawing the same numbers in the same order with bit-identical
 * floating-point results. These digests cover whole episodes through the object API (every
 * reset and step result as JSON, the final truth, grade and the world's raw typed arrays,
 * floats bit for bit) for three policies on every built-in task. They were computed on the
 * world before the step was optimised (commit f7cfbda) and must not change unless the world
 * version is bumped on purpose (then regenerate them and say so in the task's version notes).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gradeEpisode, makeEnv } from "../tasks/registry.ts";
import { RandomCodes } from "../src/eval/throughput.ts";
import { ACTION_TYPES } from "../src/models.ts";
import type { AlertTriageEnv } from "../src/env.ts";

/** SHA-256 of `episodes` episodes of `task`: random valid codes, delay-all, and a fixed rule. */
function streamDigest(task: string, episodes: number): string {
  const h = createHash("sha256");
  const env = makeEnv(task);
  const policy = new RandomCodes(env.world.config.maxQueue, 1234);
  for (let e = 0; e < episodes; e++) {
    h.update(JSON.stringify(env.reset({ seed: e * 7919 + 3, options: { episode_id: "golden" } })));
    for (let done = false; !done;) {
      const w = env.world;
      let codes: Int8Array = policy.next(w.queueLength, w.budget);
      if (e % 3 === 1) codes = codes.subarray(0, 0); // delay everything: the queue fills, drops
      else if (e % 3 === 2) {
        for (let i = 0; i < codes.length; i++) {
          codes[i] = i === 0 && w.budget > 0 ? 0 : i === 1 ? 2 : 1;
        }
      }
      const alerts = env.observation().alerts;
      const decisions = [];
      for (let i = 0; i < codes.length; i++) {
        if (codes[i] === 3 && (i & 1)) continue; // omitted decisions are delays
        decisions.push({ alert_id: alerts[i].id, action_type: ACTION_TYPES[codes[i]] });
      }
      const r = env.step({ decisions });
      h.update(JSON.stringify(r));
      done = r.terminated || r.truncated;
    }
    rawWorld(h, env);
    h.update(JSON.stringify(env.state()));
    h.update(JSON.stringify(gradeEpisode(env)));
  }
  return h.digest("hex");
}

/** The world's arrays up to the episode's alert and incident counts, bytes as stored. */
function rawWorld(h: ReturnType<typeof createHash>, env: AlertTriageEnv): void {
  const w = env.world;
  for (
    const a of [w.aService, w.aType, w.aKind, w.aTrueSev, w.aVisSev, w.aConf, w.aArrived]
      .concat([w.aIncident, w.aOutcome, w.aOutcomeTick, w.aDecision, w.aDue])
  ) h.update(new Uint8Array(a.buffer, 0, w.alertCount * a.BYTES_PER_ELEMENT));
  for (const a of [w.iService, w.iRoot, w.iStart, w.iStatus, w.iEnd, w.iParent, w.iSev]) {
    h.update(new Uint8Array(a.buffer, 0, w.incidentCount * a.BYTES_PER_ELEMENT));
  }
  h.update(JSON.stringify([w.damage, w.load, w.budget, [...w.episodeCounts], env.rngState()]));
}

const GOLDEN: Record<string, string> = {
  easy: "531126aaac36df8184a11867c44e10ab0beea7bdc1643fa5ea67b00c98ab52d9",
  medium: "736f6ffc4c18cf301be77afa08cbfcd63e37f61457073e78c1f65fc1f48336d6",
  hard: "e628a3858756089b62eabb9b56e96fa01eba8eda8d3e6c58af8f4df02a30d875",
};

for (const task of Object.keys(GOLDEN)) {
  Deno.test(`the ${task} random stream is byte-identical to the pinned world (150 episodes)`, () => {
    assert.equal(streamDigest(task, 150), GOLDEN[task]);
  });
}
