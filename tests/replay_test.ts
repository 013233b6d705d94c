import assert from "node:assert/strict";
import { AlertTriageEnv } from "../src/env.ts";
import { bucketIntoTicks, replayWorld, type TimedAlert } from "../src/sim/replay_world.ts";
import { getTask } from "../tasks/registry.ts";
import { mixedDecisions, playEpisode } from "./helpers.ts";

const T0 = Date.UTC(2026, 10, 1);
const STREAM: TimedAlert[] = [
  {
    timeMs: T0,
    service: "payments-api",
    alertType: "APPLICATION",
    kind: "noise",
    trueSeverity: 0.1,
    visibleSeverity: 0.5,
    confidence: 0.6,
  },
  {
    timeMs: T0 + 30_000,
    service: "pg-main",
    alertType: "DISK",
    kind: "critical",
    trueSeverity: 0.9,
    visibleSeverity: 0.7,
    confidence: 0.8,
  },
  {
    timeMs: T0 + 61_000,
    service: "pg-main",
    alertType: "DISK",
    kind: "critical",
    trueSeverity: 0.8,
    visibleSeverity: 0.9,
    confidence: 0.9,
  },
  {
    timeMs: T0 + 125_000,
    service: "edge",
    alertType: "NETWORK",
    kind: "transient",
    trueSeverity: 0.4,
    visibleSeverity: 0.4,
    confidence: 0.7,
    lifeMs: 90_000,
  },
];

Deno.test("bucketIntoTicks() places alerts by wall-clock time, one minute per tick", () => {
  const ticks = bucketIntoTicks(STREAM, { horizon: 30 }).map((a) => [a.tick, a.service, a.life]);
  assert.deepEqual(ticks, [[0, "payments-api", 0], [0, "pg-main", 0], [1, "pg-main", 0], [
    2,
    "edge",
    2,
  ]]);
  assert.equal(
    bucketIntoTicks(STREAM, { horizon: 2, tickMs: 60_000 }).length,
    3,
    "past the horizon",
  );
  assert.equal(
    bucketIntoTicks(STREAM, { horizon: 2 }).length,
    4,
    "a long stream stretches the tick",
  );
});

Deno.test("a replay episode shows exactly the recorded alerts and derives incidents from them", () => {
  const world = replayWorld(
    getTask("medium").world,
    bucketIntoTicks(STREAM, { horizon: 30 }),
    "replay",
  );
  const env = new AlertTriageEnv({ world, taskId: "medium" });
  const { observation } = env.reset({ seed: 1 });
  assert.deepEqual(observation.alerts.map((a) => [a.service, a.visible_severity]), [
    ["payments-api", 0.5],
    ["pg-main", 0.7],
  ]);
  const r = env.step({ decisions: [] });
  const truth = env.state().truth!;
  assert.equal(truth.incidents.length, 1, "the second pg-main alert joins the running incident");
  assert.equal(truth.alerts[2].kind, "symptom");
  assert.equal(r.observation.alerts.length, 3);
});

Deno.test("a replay episode is deterministic for a seed and graded like any other", () => {
  const world = replayWorld(
    getTask("hard").world,
    bucketIntoTicks(STREAM, { horizon: 50 }),
    "mixed",
  );
  const a = playEpisode(new AlertTriageEnv({ world }), 7, mixedDecisions);
  const b = playEpisode(new AlertTriageEnv({ world }), 7, mixedDecisions);
  assert.deepEqual(a, b);
  const env = new AlertTriageEnv({ world, taskId: "hard" });
  playEpisode(env, 7, mixedDecisions);
  const grade = getTask("hard").grade({
    truth: env.state().truth!,
    steps: env.state().step_count,
    horizon: world.horizon,
    terminated: env.world.terminated,
  });
  assert.ok(grade.score >= 0 && grade.score <= 1);
  assert.ok(env.state().truth!.alerts.some((x) => x.service === "pg-main"), "real alerts mixed in");
});
