import assert from "node:assert/strict";
import fc from "fast-check";
import type { AlertTruth, IncidentTruth, Truth } from "../src/models.ts";
import { gradeEasy } from "../tasks/easy.ts";
import { gradeHard } from "../tasks/hard.ts";
import { gradeMedium } from "../tasks/medium.ts";
import { episodeOutcome, getTask, makeEnv, TASK_IDS } from "../tasks/registry.ts";
import { toWireScore } from "../tasks/task.ts";
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

Deno.test("gradeEasy() scores the documented worked example 0.75", () => {
  const alerts = [
    ...[1, 2, 3].map(() => alert("critical", "investigated")),
    alert("critical", "ignored"),
    ...Array.from({ length: 12 }, () => alert("noise", "ignored")),
    ...Array.from({ length: 4 }, () => alert("noise", "investigated")),
    alert("noise", "pending"),
    alert("critical", "dropped"),
  ];
  const g = gradeEasy({ truth: truth(alerts), steps: 30, horizon: 30, terminated: false });
  assert.equal(g.score, 0.75);
  assert.equal(g.components.critical_actions, 4);
  assert.equal(g.components.other_actions, 16);
  assert.equal(g.success, true);
});

Deno.test("gradeEasy() multiplies by survival when the system collapsed", () => {
  const alerts = [alert("critical", "investigated"), alert("noise", "ignored")];
  const g = gradeEasy({ truth: truth(alerts), steps: 15, horizon: 30, terminated: true });
  assert.equal(g.score, 0.5);
  assert.equal(g.success, false);
});

Deno.test("gradeEasy() counts symptoms and transients left alone as correct, investigated as not", () => {
  const alerts = [
    alert("symptom", "cleared"),
    alert("transient", "self_resolved"),
    alert("transient", "investigated"),
    alert("noise", "expired"),
  ];
  const g = gradeEasy({ truth: truth(alerts), steps: 30, horizon: 30, terminated: false });
  assert.equal(g.components.other_correct, 2);
  assert.equal(g.components.critical_accuracy, 1, "no critical actions counts as 1");
  assert.equal(g.score, 0.75);
});

Deno.test("gradeMedium() scores the documented worked example 0.478", () => {
  const incidents = [
    incident(0, "auth", "resolved", 0.9),
    incident(1, "auth", "resolved", 0.8),
    incident(2, "auth", "failed", 0.7),
    incident(3, "auth", "active", 0.9), // cut by the horizon: not counted
  ];
  const alerts = [
    ...Array.from({ length: 20 }, () => alert("noise", "investigated")),
    ...Array.from({ length: 4 }, () => alert("noise", "escalation_resolved")),
    alert("critical", "investigated"),
  ];
  const g = gradeMedium({
    truth: truth(alerts, incidents),
    steps: 40,
    horizon: 40,
    terminated: false,
  });
  assert.equal(g.components.weighted_resolved, 0.7083);
  assert.equal(g.components.efficiency, 0.675);
  assert.equal(g.score, 0.4781);
  assert.equal(g.success, false);
});

Deno.test("gradeHard() scores the documented worked example 0.652", () => {
  const incidents = [
    incident(0, "db-primary", "resolved"),
    incident(1, "auth", "resolved"),
    incident(2, "cache", "failed"),
  ];
  const g = gradeHard({
    truth: truth([], incidents, 12),
    steps: 50,
    horizon: 50,
    terminated: false,
  });
  assert.equal(g.components.prevented, 3.6);
  assert.equal(g.components.max_possible, 4.6);
  assert.equal(g.components.instability, 0.6);
  assert.equal(g.score, 0.6522);
  assert.equal(g.success, true);
});

Deno.test("gradeHard() never goes below 0 and counts active incidents when terminated", () => {
  const incidents = [incident(0, "auth", "failed"), incident(1, "auth", "active")];
  const g = gradeHard({
    truth: truth([], incidents, 80),
    steps: 10,
    horizon: 50,
    terminated: true,
  });
  assert.equal(g.score, 0);
  assert.equal(g.components.max_possible, 2);
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
