import assert from "node:assert/strict";
import { AlertTriageEnv } from "../src/env.ts";
import { EpisodeNotRunningError, InvalidActionError } from "../src/errors.ts";
import type { Action } from "../src/models.ts";
import { parseAction } from "../src/schemas.ts";
import { getTask } from "../tasks/registry.ts";
import { snapshot } from "./helpers.ts";
import { RuleBasedAgent } from "../src/agents/rule_based.ts";

function busyEnv(): AlertTriageEnv {
  const env = new AlertTriageEnv({ world: { ...getTask("medium").world, k: 2 } });
  for (let seed = 0;; seed++) {
    const { observation } = env.reset({ seed });
    if (observation.alerts.length >= 4 && observation.investigation_budget === 2) return env;
  }
}

function rejects(env: AlertTriageEnv, action: unknown, field: string, reason: RegExp): void {
  const before = snapshot(env);
  assert.throws(() => env.step(action as Action), (err: unknown) => {
    assert.ok(err instanceof InvalidActionError, `expected InvalidActionError, got ${err}`);
    assert.equal(err.field, field);
    assert.match(err.reason, reason);
    return true;
  });
  assert.equal(snapshot(env), before, "a rejected action must leave the episode unchanged");
}

Deno.test("step() rejects an unknown alert id, naming the field", () => {
  rejects(
    busyEnv(),
    { alert_id: "A999", action_type: "IGNORE" },
    "alert_id",
    /unknown alert id "A999"/,
  );
  rejects(
    busyEnv(),
    { decisions: [{ alert_id: "X1", action_type: "IGNORE" }] },
    "decisions[0].alert_id",
    /unknown/,
  );
});

Deno.test("step() rejects a second decision for the same alert", () => {
  const env = busyEnv();
  const id = env.observation().alerts[0].id;
  rejects(
    env,
    {
      decisions: [{ alert_id: id, action_type: "IGNORE" }, { alert_id: id, action_type: "DELAY" }],
    },
    "decisions[1].alert_id",
    /already has a decision/,
  );
});

Deno.test("step() rejects more INVESTIGATE decisions than the budget", () => {
  const env = busyEnv();
  const decisions = env.observation().alerts.slice(0, 3).map((a) => ({
    alert_id: a.id,
    action_type: "INVESTIGATE" as const,
  }));
  rejects(env, { decisions }, "decisions", /3 INVESTIGATE decisions exceed .* budget of 2/);
});

Deno.test("step() rejects an alert that was already handled", () => {
  const env = busyEnv();
  const id = env.observation().alerts[0].id;
  env.step({ alert_id: id, action_type: "IGNORE" });
  rejects(env, { alert_id: id, action_type: "IGNORE" }, "alert_id", /^alert A\d+ is not queued$/);
});

Deno.test("step() names no outcome or class when rejecting an alert that left the queue", () => {
  // Play an episode, then try every alert that has left the queue: the reason must be the same
  // sentence whatever became of the alert (ignored, expired, self-resolved, failed, ...).
  const env = new AlertTriageEnv({ world: getTask("easy").world });
  env.reset({ seed: 3 });
  const rules = new RuleBasedAgent();
  const reasons = new Set<string>();
  for (let t = 0; t < 12 && !env.state().done; t++) {
    env.step(rules.act(env.observation()));
  }
  const queued = new Set(env.observation().alerts.map((a) => a.id));
  const seen = env.world.alertCount;
  for (let i = 1; i <= seen; i++) {
    const id = `A${i}`;
    if (queued.has(id)) continue;
    try {
      env.step({ alert_id: id, action_type: "IGNORE" });
      assert.fail(`alert ${id} was accepted`);
    } catch (e) {
      assert.ok(e instanceof InvalidActionError);
      reasons.add(e.reason.replace(/A\d+/, "A#"));
    }
  }
  assert.deepEqual([...reasons], ["alert A# is not queued"]);
});

Deno.test("step() rejects malformed actions with the field and the reason", () => {
  const env = busyEnv();
  const id = env.observation().alerts[0].id;
  rejects(env, null, "action", /expected an object/);
  rejects(env, { decisions: "all" }, "decisions", /array/);
  rejects(env, { decisions: [42] }, "decisions[0]", /object/);
  rejects(env, { alert_id: id, action_type: "NUKE" }, "action_type", /INVESTIGATE, IGNORE/);
  rejects(env, { alert_id: 7, action_type: "IGNORE" }, "alert_id", /string/);
});

Deno.test("parseAction() names the deepest offending field of a malformed action", () => {
  assert.throws(
    () => parseAction({ decisions: [{ alert_id: "A1", action_type: "nope" }] }),
    (e: unknown) => e instanceof InvalidActionError && e.field === "decisions[0].action_type",
  );
  assert.throws(
    () => parseAction({ alert_id: "A1", action_type: "IGNORE", extra: 1 }),
    (e: unknown) => e instanceof InvalidActionError && /extra/.test(e.message),
  );
  assert.deepEqual(parseAction({ alert_id: "A1", action_type: "IGNORE" }), {
    alert_id: "A1",
    action_type: "IGNORE",
  });
});

Deno.test("stepCodes() validates codes and the budget like step()", () => {
  const env = busyEnv();
  const n = env.observation().queue_length;
  assert.throws(() => env.stepCodes([0, 0, 0]), InvalidActionError);
  assert.throws(() => env.stepCodes([7]), /codes\[0\]/);
  assert.throws(() => env.stepCodes(new Array(n + 1).fill(3)), /codes/);
  const r = env.stepCodes([1]);
  assert.equal(r.observation.tick, 1);
});

Deno.test("step() before reset and after the end throws EpisodeNotRunningError", () => {
  const env = new AlertTriageEnv({ world: { ...getTask("easy").world, horizon: 2 } });
  assert.throws(() => env.step({ decisions: [] }), EpisodeNotRunningError);
  env.reset({ seed: 3 });
  env.step({ decisions: [] });
  assert.equal(env.step({ decisions: [] }).truncated, true);
  assert.throws(() => env.step({ decisions: [] }), /episode has ended/);
  env.close();
  env.close();
  assert.throws(() => env.step({ decisions: [] }), /closed/);
});
