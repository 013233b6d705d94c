import assert from "node:assert/strict";
import fc from "fast-check";
import { AlertTriageEnv } from "../src/env.ts";
import { InvalidActionError } from "../src/errors.ts";
import type { Action, ActionType, Observation } from "../src/models.ts";
import { ObservationSchema } from "../src/schemas.ts";
import { getTask, TASK_IDS } from "../tasks/registry.ts";
import { snapshot } from "./helpers.ts";

const TYPES: ActionType[] = ["INVESTIGATE", "IGNORE", "ESCALATE", "DELAY"];

/** Turns a stream of small integers into budget-respecting decisions. */
function decide(o: Observation, choices: number[], step: number): Action {
  let budget = o.investigation_budget;
  return {
    decisions: o.alerts.map((a, i) => {
      let t = TYPES[choices[(step * 31 + i) % choices.length] % 4];
      if (t === "INVESTIGATE" && budget-- <= 0) t = "DELAY";
      return { alert_id: a.id, action_type: t };
    }),
  };
}

const episodeArb = fc.record({
  task: fc.constantFrom(...TASK_IDS),
  seed: fc.nat({ max: 2 ** 40 }),
  choices: fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 64 }),
});

function play(task: string, seed: number, choices: number[]) {
  const env = new AlertTriageEnv({ world: getTask(task).world, taskId: task });
  const trajectory: string[] = [];
  let { observation } = env.reset({ seed });
  trajectory.push(JSON.stringify(observation));
  const observations = [observation];
  const rewards: number[] = [];
  for (let step = 0;; step++) {
    const r = env.step(decide(observation, choices, step));
    trajectory.push(JSON.stringify(r));
    observations.push(r.observation);
    rewards.push(r.reward.value);
    observation = r.observation;
    if (r.terminated || r.truncated) break;
  }
  return { env, trajectory, observations, rewards };
}

Deno.test("property: every alert ends in exactly one outcome or is still queued", () => {
  fc.assert(
    fc.property(episodeArb, ({ task, seed, choices }) => {
      const { env } = play(task, seed, choices);
      const truth = env.state().truth!;
      const w = env.world;
      const ids = new Set(truth.alerts.map((a) => a.id));
      assert.equal(ids.size, truth.alerts.length, "no alert counted twice");
      assert.equal(truth.alerts.length, w.alertCount);
      const pending = truth.alerts.filter((a) => a.outcome === "pending").length;
      const escalated = truth.alerts.filter((a) => a.outcome === "escalated").length;
      assert.equal(pending, w.queueLength, "pending alerts are exactly the queue");
      assert.equal(escalated, w.escalationCount, "escalated alerts are with specialists");
      for (const a of truth.alerts) {
        assert.equal(a.outcome === "pending", a.outcome_tick === -1);
      }
      for (const inc of truth.incidents) {
        const root = truth.alerts.find((a) => a.id === inc.root_alert_id)!;
        assert.equal(root.kind, "critical");
        if (inc.status === "resolved") {
          assert.ok(["investigated", "escalation_resolved"].includes(root.outcome));
        }
      }
    }),
    { numRuns: 60 },
  );
});

Deno.test("property: rewards are finite and observations stay inside their bounds", () => {
  fc.assert(
    fc.property(episodeArb, ({ task, seed, choices }) => {
      const { observations, rewards, env } = play(task, seed, choices);
      const cfg = env.world.config;
      for (const r of rewards) assert.ok(Number.isFinite(r));
      for (const o of observations) {
        ObservationSchema.parse(o);
        assert.ok(o.queue_length <= cfg.maxQueue);
        assert.ok(o.investigation_budget >= 1 && o.investigation_budget <= cfg.k);
        assert.ok(o.time_remaining >= 0 && o.time_remaining <= cfg.horizon);
      }
    }),
    { numRuns: 60 },
  );
});

Deno.test("property: the same seed and actions give a byte-identical trajectory", () => {
  fc.assert(
    fc.property(episodeArb, ({ task, seed, choices }) => {
      const a = play(task, seed, choices).trajectory;
      const b = play(task, seed, choices).trajectory;
      assert.deepEqual(a, b);
    }),
    { numRuns: 40 },
  );
});

Deno.test("property: a rejected action changes nothing", () => {
  const badAction = fc.oneof(
    fc.anything(),
    fc.record({ alert_id: fc.string(), action_type: fc.constantFrom(...TYPES) }),
    fc.record({
      decisions: fc.array(fc.record({ alert_id: fc.string(), action_type: fc.string() })),
    }),
  );
  fc.assert(
    fc.property(episodeArb, badAction, fc.nat({ max: 10 }), ({ task, seed, choices }, bad, at) => {
      const env = new AlertTriageEnv({ world: getTask(task).world });
      let { observation } = env.reset({ seed });
      for (let step = 0; step < at; step++) {
        const r = env.step(decide(observation, choices, step));
        observation = r.observation;
        if (r.terminated || r.truncated) return;
      }
      const before = snapshot(env);
      try {
        env.step(bad as Action);
      } catch (err) {
        assert.ok(err instanceof InvalidActionError, String(err));
        assert.equal(snapshot(env), before);
        return;
      }
      // Accepted: it must have been a valid action (e.g. an empty decision list).
      assert.equal(env.state().step_count, at + 1);
    }),
    { numRuns: 200 },
  );
});
