/**
 * The OpenEnv evaluation lines, character for character.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  actionString,
  endLine,
  formatReward,
  startLine,
  stepLine,
} from "../../src/infer/format.ts";

Deno.test("startLine, stepLine and endLine print the OpenEnv format exactly", () => {
  assert.equal(
    startLine("easy", "alert-triage", "Qwen/Qwen2.5-72B-Instruct"),
    "[START] task=easy env=alert-triage model=Qwen/Qwen2.5-72B-Instruct",
  );
  assert.equal(
    stepLine({
      step: 3,
      action: { decisions: [{ alert_id: "A3", action_type: "INVESTIGATE" }] },
      reward: -2,
      done: true,
      error: null,
    }),
    '[STEP] step=3 action={"decisions":[{"alert_id":"A3","action_type":"INVESTIGATE"}]} ' +
      "reward=-2.00 done=true error=null",
  );
  assert.equal(
    endLine({ success: false, steps: 2, score: 0.001, rewards: [10, -0.001] }),
    "[END] success=false steps=2 score=0.001 rewards=10.00,0.00",
  );
  assert.equal(
    endLine({ success: true, steps: 0, score: 0.5, rewards: [] }),
    "[END] success=true steps=0 score=0.500 rewards=",
  );
});

Deno.test("every printed field stays on one line", () => {
  const line = stepLine({
    step: 1,
    action: { decisions: [] },
    reward: 0,
    done: false,
    error: "decisions[0].alert_id:\nunknown\talert",
  });
  assert.ok(!line.includes("\n"));
  assert.match(line, /error=decisions\[0\]\.alert_id: unknown alert$/);
  assert.equal(
    startLine("my task", "alert-triage", "a\nb"),
    "[START] task=my_task env=alert-triage model=a_b",
  );
  assert.equal(
    actionString({ alert_id: "A1", action_type: "IGNORE" }),
    '{"alert_id":"A1","action_type":"IGNORE"}',
  );
  assert.equal(formatReward(-0.004), "0.00");
  assert.equal(formatReward(NaN), "0.00");
  assert.equal(formatReward(12.345), "12.35");
});
