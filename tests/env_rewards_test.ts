import assert from "node:assert/strict";
import { AlertTriageEnv } from "../src/env.ts";
import { pickServices } from "../src/sim/services.ts";
import { envWith, QUIET, servicesWithOnlyFragile, truthOf } from "./helpers.ts";

const INCIDENTS_ONLY = {
  ...QUIET,
  incidentRate: 1,
  services: servicesWithOnlyFragile(["storage"], "storage"),
};
const NOISE_ONLY = { ...QUIET, noiseRate: 4, services: pickServices(["web-frontend", "auth"]) };

Deno.test("step() gives +10 critical_resolved for investigating a critical alert", () => {
  const { env, alert } = envWith(INCIDENTS_ONLY, (t) => t.kind === "critical");
  const r = env.step({ alert_id: alert.id, action_type: "INVESTIGATE" });
  assert.equal(r.reward.components.critical_resolved, 10);
  assert.equal(r.reward.components.cascade_prevented, 0, "storage alone has no dependents");
  assert.equal(truthOf(env, alert.id).outcome, "investigated");
  assert.equal(env.state().truth!.incidents[0].status, "resolved");
});

Deno.test("step() adds +5 cascade_prevented when the root has dependents that could fail", () => {
  const world = {
    ...INCIDENTS_ONLY,
    cascadeScale: 1,
    services: servicesWithOnlyFragile(["storage", "db-primary"], "storage"),
  };
  const { env, alert } = envWith(world, (t) => t.kind === "critical" && t.service === "storage");
  const r = env.step({ alert_id: alert.id, action_type: "INVESTIGATE" });
  assert.equal(r.reward.components.critical_resolved, 10);
  assert.equal(r.reward.components.cascade_prevented, 5);
});

Deno.test("step() gives +3 for ignoring noise and -2 for investigating it", () => {
  const a = envWith(NOISE_ONLY, (t) => t.kind === "noise");
  assert.equal(
    a.env.step({ alert_id: a.alert.id, action_type: "IGNORE" }).reward.components
      .false_positive_ignored,
    3,
  );
  const b = envWith(NOISE_ONLY, (t) => t.kind === "noise");
  const r = b.env.step({ alert_id: b.alert.id, action_type: "INVESTIGATE" });
  assert.equal(r.reward.components.unnecessary_investigation, -2);
  assert.equal(r.reward.value, -2);
});

Deno.test("step() charges -3 wasted_escalation for escalating noise", () => {
  const { env, alert } = envWith(NOISE_ONLY, (t) => t.kind === "noise");
  const r = env.step({ alert_id: alert.id, action_type: "ESCALATE" });
  assert.equal(r.reward.components.wasted_escalation, -3);
  assert.equal(r.observation.escalations_pending, 1);
});

Deno.test("step() charges -8 critical_missed for ignoring a critical alert", () => {
  const { env, alert } = envWith(INCIDENTS_ONLY, (t) => t.kind === "critical");
  const r = env.step({ alert_id: alert.id, action_type: "IGNORE" });
  assert.equal(r.reward.components.critical_missed, -8);
  assert.equal(env.state().truth!.incidents[0].status, "active", "ignoring does not fix it");
});

Deno.test("a critical alert delayed past failAfter fails the service: -10 and -8", () => {
  const world = { ...INCIDENTS_ONLY, incidentRate: 1, failAfter: 3, loadSensitivity: 0 };
  const { env, alert } = envWith(world, (t) => t.kind === "critical");
  const rewards: number[] = [];
  for (let i = 0; i < 3; i++) rewards.push(env.step({ decisions: [] }).reward.value);
  assert.deepEqual(rewards, [0, 0, -18]);
  assert.equal(truthOf(env, alert.id).outcome, "failed");
  assert.equal(env.state().truth!.failures, 1);
});

Deno.test("ESCALATE resolves a critical alert after escalationTicks without using K", () => {
  const world = { ...INCIDENTS_ONLY, k: 1, escalationTicks: 2, failAfter: 6 };
  const { env, alert } = envWith(world, (t) => t.kind === "critical");
  const first = env.step({ alert_id: alert.id, action_type: "ESCALATE" });
  assert.equal(first.reward.components.critical_resolved, 0, "not resolved yet");
  assert.equal(first.reward.components.wasted_escalation, 0);
  const second = env.step({ decisions: [] });
  assert.equal(second.reward.components.critical_resolved, 10);
  assert.equal(truthOf(env, alert.id).outcome, "escalation_resolved");
});

Deno.test("a failure cascades into a dependent service with its hidden probability", () => {
  const storage = pickServices(["storage", "db-primary"]).map((s) => ({
    ...s,
    fragility: s.name === "storage" ? 1 : 0,
    cascade: s.name === "storage" ? 1 : 0,
  }));
  const world = {
    ...QUIET,
    incidentRate: 1,
    cascadeScale: 1,
    failAfter: 1,
    loadSensitivity: 0,
    services: storage,
  };
  const { env } = envWith(world, (t) => t.kind === "critical" && t.service === "storage");
  env.step({ decisions: [] });
  const incidents = env.state().truth!.incidents;
  assert.equal(incidents[0].status, "failed");
  assert.ok(incidents.length >= 2);
  assert.equal(incidents[1].service, "db-primary");
  assert.equal(incidents[1].cascade_parent, 0);
  assert.deepEqual(env.state().truth!.services[0].future_failures, { "db-primary": 1 });
});

Deno.test("a transient alert heals by itself when delayed, with no reward", () => {
  const world = { ...QUIET, transientRate: 3, transientLife: [1, 1] as const };
  const { env, alert } = envWith(world, (t) => t.kind === "transient");
  const r = env.step({ decisions: [] });
  assert.equal(truthOf(env, alert.id).outcome, "self_resolved");
  assert.equal(r.reward.value, 0);
});

Deno.test("an episode run to the horizon is truncated, not terminated", () => {
  const env = new AlertTriageEnv({ world: { ...QUIET, horizon: 5 } });
  env.reset({ seed: 1 });
  const flags: boolean[][] = [];
  for (let i = 0; i < 5; i++) {
    const r = env.step({ decisions: [] });
    flags.push([r.terminated, r.truncated]);
  }
  assert.deepEqual(flags.at(-1), [false, true]);
  assert.ok(flags.slice(0, 4).every(([a, b]) => !a && !b));
  assert.deepEqual(env.state().done, true);
});

Deno.test("an episode whose damage passes the threshold is terminated, not truncated", () => {
  const world = {
    ...INCIDENTS_ONLY,
    failureThreshold: 1,
    failAfter: 10,
    damagePerTick: 5,
  };
  const { env } = envWith(world, (t) => t.kind === "critical");
  const r = env.step({ decisions: [] });
  assert.equal(r.terminated, true);
  assert.equal(r.truncated, false);
  assert.ok(r.info.episode && r.info.episode.l === 1);
});

Deno.test("reward.value is the sum of its components", () => {
  const { env } = envWith(NOISE_ONLY, (t) => t.kind === "noise");
  for (let i = 0; i < 10; i++) {
    const o = env.observation();
    const r = env.step({
      decisions: o.alerts.map((a, j) => ({
        alert_id: a.id,
        action_type: (["IGNORE", "ESCALATE", "DELAY"] as const)[j % 3],
      })),
    });
    const sum = Object.values(r.reward.components).reduce((x, y) => x + y, 0);
    assert.equal(r.reward.value, sum);
    if (r.truncated || r.terminated) break;
  }
});
