/**
 * Recordings: a recorded episode re-grades to the same score from its stored truth and by
 * replay, and tampering is caught.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createAgent } from "../../src/eval/agent_registry.ts";
import { runEpisode } from "../../src/eval/episode.ts";
import {
  type EpisodeRecording,
  parseRecording,
  parseRecordings,
  RecordingFormatError,
  serializeRecording,
} from "../../src/eval/recording.ts";
import { regradeRecording } from "../../src/eval/regrade.ts";
import { makeEnv, TASK_IDS } from "../../tasks/registry.ts";

async function record(agent: string, task: string, seed: number): Promise<EpisodeRecording> {
  const run = await runEpisode(makeEnv(task), await createAgent(agent, task), seed, {
    record: true,
  });
  assert.ok(run.recording);
  return run.recording;
}

Deno.test("a recorded episode re-grades to the same score, from truth and by replay", async () => {
  for (const task of TASK_IDS) {
    for (const agent of ["random", "rules", "oracle", "always-escalate"]) {
      const rec = await record(agent, task, 10_000_123);
      // Through the file format, as `deno task regrade` reads it.
      const [again] = parseRecordings(serializeRecording(rec) + "\n\n");
      const check = regradeRecording(again);
      assert.equal(check.agree, true, `${agent}/${task}: ${check.mismatch}`);
      assert.equal(check.truth_score, rec.grade.score);
      assert.equal(check.replay_score, rec.grade.score);
      assert.equal(again.steps.length, rec.outcome.steps);
    }
  }
});

Deno.test("a recording holds every step's observation, action, reward and end flags", async () => {
  const rec = await record("rules", "medium", 10_000_001);
  assert.equal(rec.agent, "rules");
  assert.equal(rec.task, "medium");
  assert.equal(rec.seed, 10_000_001);
  const last = rec.steps[rec.steps.length - 1];
  assert.ok(last.terminated || last.truncated);
  assert.ok(rec.steps.slice(0, -1).every((s) => !s.terminated && !s.truncated));
  const sum = rec.steps.reduce((r, s) => r + s.reward.value, 0);
  assert.equal(rec.return, sum);
  assert.ok("critical_resolved" in rec.steps[0].reward.components);
  assert.ok(rec.truth.alerts.length > 0 && rec.wire_score > 0 && rec.wire_score < 1);
});

Deno.test("regradeRecording() catches a changed action, truth or grade", async () => {
  const rec = await record("rules", "hard", 10_000_002);
  const copy = (): EpisodeRecording => JSON.parse(serializeRecording(rec));

  const action = copy();
  const i = action.steps.findIndex((s) => "decisions" in s.action && s.action.decisions.length > 0);
  action.steps[i].action = { decisions: [] };
  const a = regradeRecording(action);
  assert.equal(a.agree, false);
  assert.match(a.mismatch ?? "", /step \d+/);

  const truth = copy();
  truth.truth.damage += 1;
  truth.truth.incidents.forEach((inc) => inc.status = "resolved");
  const t = regradeRecording(truth);
  assert.equal(t.agree, false);
  assert.match(t.mismatch ?? "", /truth/);

  const grade = copy();
  grade.grade.score = 0.5;
  assert.match(regradeRecording(grade).mismatch ?? "", /stored truth|replay/);

  const cut = copy();
  cut.steps.pop();
  assert.equal(regradeRecording(cut).agree, false);
});

Deno.test("parseRecording() rejects lines that are not recordings, naming the line", () => {
  assert.throws(
    () => parseRecording("{", 3),
    (e) => e instanceof RecordingFormatError && e.line === 3,
  );
  assert.throws(() => parseRecording('{"format":"other"}'), /format/);
  assert.throws(
    () => parseRecordings('\n{"format":"alert-triage/episode@1","task":"easy"}'),
    /recording line 2: seed/,
  );
});
