import assert from "node:assert/strict";
import fc from "fast-check";
import type { AlertTruth, IncidentTruth, Truth } from "../src/models.ts";
import { gradeEasy } from "../tasks/easy.ts";
import { gradeHard } from "../tasks/hard.ts";
import { gradeMedium } from "../tasks/medium.ts";
import { episodeOutcome, getTask, makeEnv, TASK_IDS } from "../tasks/registry.ts";
import { toWireScore } from "../tasks/task.ts";
import { triageScore } from "../tasks/triage_score.ts";
import { round4 } from "../src/numbers.ts";
import { mixedDecisions } from "./helpers.ts";

let next = 0;
function alert(
  kind: AlertTruth["kind"],
  outcome: AlertTruth["outcome"],
  extra: Partial<AlertTruth> = {},
): AlertTruth {
  next++;
  return {
    id: `A${next}`,
    visible_severity: 0.5,
    confidence: 0.5,
    alert_type: "CPU",
    service: "auth",
    kind,
    true_severity: kind === "critical" ? 0.8 : 0.2,
    arrived_tick: 0,
    incident_id: -1,
    outcome,
    outcome_tick: outcome === "pending" ? -1 : 1,
    decision: outcome === "investigated"
      ? "INVESTIGATE"
      : outcome === "ignored"
      ? "IGNORE"
      : outcome === "escalated" || outcome === "escalation_resolved"
      ? "ESCALATE"
      : null,
    ...extra,
  };
}

function incident(
  id: number,
  service: string,
  status: IncidentTruth["status"],
  sev = 0.8,
): IncidentTruth {
  return {
    id,
    service,
    root_alert_id: `R${id}`,
    started_tick: 0,
    status,
    ended_tick: status === "active" ? -1 : 2,
    cascade_parent: -1,
    dependents: 0,
    true_severity: sev,
  };
}

function truth(alerts: AlertTruth[], incidents: IncidentTruth[] = [], damage = 0): Truth {
  return {
    alerts,
    incidents,
    services: [
      {
        name: "db-primary",
        depends_on: [],
        flakiness: 0.3,
        fragility: 1,
        future_failures: { auth: 0.8, orders: 0.8 },
      },
      { name: "auth", depends_on: ["db-primary"], flakiness: 1, fragility: 1, future_failures: {} },
      { name: "cache", depends_on: [], flakiness: 1, fragility: 1, future_failures: {} },
    ],
    damage,
    failure_threshold: 60,
    failures: incidents.filter((i) => i.status === "failed").length,
  };
}

Deno.test("triageScore() scores the documented worked example: (30 + 54) / (77 + 54)", () => {
  const incidents = [
    incident(0, "db-primary", "resolved"), // can cascade: +10 +5
    incident(1, "auth", "resolved"), // +10
    incident(2, "cache", "failed"), // -10
    incident(3, "auth", "active"), // cut by the horizon: not counted
  ];
  const alerts = [
    alert("critical", "ignored"), // -8 (the failed incident's root)
    ...Array.from({ length: 10 }, () => alert("noise", "ignored")), // +30
    alert("noise", "investigated"), // -2
    alert("noise", "investigated"), // -2
    alert("noise", "escalation_resolved"), // -3
    alert("noise", "expired"), // 0, but counted in the ceiling
    alert("noise", "pending"), // not counted
  ];
  const outcome = { truth: truth(alerts, incidents), steps: 40, horizon: 40, terminated: false };
  const t = triageScore(outcome);
  assert.equal(t.achieved, 30);
  assert.equal(t.floor, -54);
  assert.equal(t.ceiling, 77);
  assert.equal(round4(t.normalized), 0.6412);
  for (const id of TASK_IDS) {
    const g = getTask(id).grade(outcome);
    assert.equal(g.score, 0.6412);
    assert.equal(g.components.return, 30);
    assert.equal(g.components.false_positive_ignored, 10);
    assert.equal(g.components.unnecessary_investigation, 2);
    assert.equal(g.components.wasted_escalation, 1);
  }
});

Deno.test("triageScore(): waste costs, survival multiplies, and active incidents count when terminated", () => {
  const base = [alert("critical", "investigated"), alert("noise", "ignored")];
  const incidents = [incident(0, "auth", "resolved")];
  const clean = gradeMedium({
    truth: truth(base, incidents),
    steps: 40,
    horizon: 40,
    terminated: false,
  });
  assert.equal(clean.score, 1);
  const wasteful = gradeMedium({
    truth: truth([...base, alert("transient", "investigated")], incidents),
    steps: 40,
    horizon: 40,
    terminated: false,
  });
  assert.ok(wasteful.score < clean.score, "an investigation of a transient costs");
  const collapsed = gradeEasy({
    truth: truth(base, incidents),
    steps: 15,
    horizon: 30,
    terminated: true,
  });
  assert.equal(collapsed.score, 0.5);
  const cut = gradeHard({
    truth: truth([], [incident(0, "auth", "failed"), incident(1, "auth", "active")], 80),
    steps: 10,
    horizon: 50,
    terminated: true,
  });
  assert.equal(cut.components.incidents, 2);
  // return -10 (one failure) between floor -36 and ceiling +20, x survival 10/50
  assert.equal(cut.score, round4((-10 + 36) / (20 + 36) * 0.2));
});

Deno.test("property: the grader's return is the environment's return, and always-DELAY scores the floor", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...TASK_IDS),
      fc.nat({ max: 1e9 }),
      fc.boolean(),
      (id, seed, idle) => {
        const env = makeEnv(id);
        let { observation } = env.reset({ seed });
        let ret = 0;
        for (let step = 0;; step++) {
          const r = env.step(idle ? { decisions: [] } : mixedDecisions(observation, step));
          ret += r.reward.value;
          observation = r.observation;
          if (r.terminated || r.truncated) break;
        }
        const g = getTask(id).grade(episodeOutcome(env));
        assert.equal(g.components.return, round4(ret));
        if (idle && !env.world.terminated) assert.equal(g.score, 0);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("toWireScore() keeps scores strictly inside (0, 1)", () => {
  assert.equal(toWireScore(0), 0.001);
  assert.equal(toWireScore(1), 0.999);
  assert.equal(toWireScore(0.4567), 0.457);
});

Deno.test("property: every grader returns a deterministic score in [0, 1]", () => {
  fc.assert(
    fc.property(fc.constantFrom(...TASK_IDS), fc.nat({ max: 1e9 }), (id, seed) => {
      const env = makeEnv(id);
      let { observation } = env.reset({ seed });
      for (let step = 0;; step++) {
        const r = env.step(mixedDecisions(observation, step));
        observation = r.observation;
        if (r.terminated || r.truncated) break;
      }
      const outcome = episodeOutcome(env);
      const a = getTask(id).grade(outcome);
      const b = getTask(id).grade(JSON.parse(JSON.stringify(outcome)));
      assert.deepEqual(a, b);
      assert.ok(a.score >= 0 && a.score <= 1);
      const w = toWireScore(a.score);
      assert.ok(w > 0 && w < 1);
    }),
    { numRuns: 60 },
  );
});
