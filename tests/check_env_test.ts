/**
 * A port of Gymnasium's `check_env` (gymnasium/utils/env_checker.py and passive_env_checker.py)
 * to the alert-triage contract, run against every task.
 */
import assert from "node:assert/strict";
import type { AlertTriageEnv } from "../src/env.ts";
import { ObservationSchema } from "../src/schemas.ts";
import { makeEnv, TASK_IDS } from "../tasks/registry.ts";
import { mixedDecisions } from "./helpers.ts";

function checkReset(env: AlertTriageEnv): void {
  // check_reset_return_type: a pair (observation in space, info a dict)
  const r = env.reset({ seed: 0 });
  assert.deepEqual(Object.keys(r).sort(), ["info", "observation"]);
  ObservationSchema.parse(r.observation);
  assert.equal(typeof r.info, "object");
}

function checkResetSeedDeterminism(env: AlertTriageEnv): void {
  const obs1 = JSON.stringify(env.reset({ seed: 123 }).observation);
  const rng1 = JSON.stringify(env.rngState());
  const obs2 = JSON.stringify(env.reset().observation);
  const obs3 = JSON.stringify(env.reset({ seed: 123 }).observation);
  const rng3 = JSON.stringify(env.rngState());
  const obs4 = JSON.stringify(env.reset().observation);
  assert.equal(obs1, obs3, "reset(seed) twice gives the same observation");
  assert.equal(obs2, obs4, "reset() after reset(seed) continues the same stream");
  assert.equal(rng1, rng3, "reset(seed) sets the generator state");
  env.reset({ seed: 456 });
  assert.notEqual(JSON.stringify(env.rngState()), rng1, "another seed, another state");
}

function checkResetOptions(env: AlertTriageEnv): void {
  env.reset({ options: {} });
  env.reset({ seed: 5, options: { episode_id: "ep-1" } });
  assert.equal(env.state().episode_id, "ep-1");
}

function checkStepPassive(env: AlertTriageEnv): void {
  const { observation } = env.reset({ seed: 9 });
  const r = env.step(mixedDecisions(observation, 0));
  assert.deepEqual(
    Object.keys(r).sort(),
    ["info", "observation", "reward", "terminated", "truncated"],
  );
  assert.equal(typeof r.terminated, "boolean");
  assert.equal(typeof r.truncated, "boolean");
  assert.ok(Number.isFinite(r.reward.value));
  ObservationSchema.parse(r.observation);
  assert.equal(typeof r.info, "object");
}

function checkStepDeterminism(env: AlertTriageEnv): void {
  const a = env.reset({ seed: 123 });
  const ra = env.step(mixedDecisions(a.observation, 0));
  const rngA = JSON.stringify(env.rngState());
  const b = env.reset({ seed: 123 });
  const rb = env.step(mixedDecisions(b.observation, 0));
  assert.equal(JSON.stringify(ra), JSON.stringify(rb));
  assert.equal(rngA, JSON.stringify(env.rngState()));
  assert.equal(ra.truncated, false, "truncated must be false after one step");
}

function checkRenderAndClose(env: AlertTriageEnv): void {
  assert.deepEqual(env.metadata.render_modes, ["ansi"]);
  env.reset({ seed: 1 });
  assert.match(env.render(), /^tick 0\//);
  env.close();
  env.close(); // idempotent
}

for (const id of TASK_IDS) {
  Deno.test(`check_env: task ${id} passes the Gymnasium environment checks`, () => {
    const env = makeEnv(id);
    assert.equal(env.metadata.nondeterministic, false);
    checkReset(env);
    checkResetSeedDeterminism(env);
    checkResetOptions(env);
    checkStepPassive(env);
    checkStepDeterminism(env);
    checkRenderAndClose(env);
  });
}
