import assert from "node:assert/strict";
import { gradeEpisode, makeEnv, RuleBasedAgent } from "../../mod.ts";
import {
  decisionsOf,
  displayable,
  escapeHtml,
  JUPYTER_DISPLAY,
  showEpisode,
  showGrade,
  showObservation,
  showReward,
  showTable,
  showTruth,
  type StepView,
} from "../../src/display.ts";

function playRules(task: string, seed: number) {
  const env = makeEnv(task);
  const agent = new RuleBasedAgent();
  let { observation } = env.reset({ seed });
  const steps: StepView[] = [];
  for (let done = false; !done;) {
    const action = agent.act(observation);
    const r = env.step(action);
    steps.push({ ...r, observation, action });
    observation = r.observation;
    done = r.terminated || r.truncated;
  }
  return { env, steps };
}

Deno.test("displayables answer the Jupyter.display protocol with html and plain text", () => {
  const d = displayable({ "text/html": "<b>x</b>", "text/plain": "x" });
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  assert.deepEqual(d[Symbol.for("Jupyter.display") as typeof JUPYTER_DISPLAY](), d.bundle());
  assert.equal(escapeHtml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
});

Deno.test("showObservation lists every queued alert, with decisions when given", () => {
  const env = makeEnv("medium");
  const { observation } = env.reset({ seed: 42 });
  const action = new RuleBasedAgent().act(observation);
  const b = showObservation(observation, { action }).bundle();
  for (const a of observation.alerts) {
    assert.ok(b["text/html"].includes(`>${a.id}<`), `alert ${a.id} missing from the html`);
    assert.ok(b["text/plain"].includes(a.id));
  }
  assert.ok(b["text/html"].includes("INVESTIGATE"));
  assert.match(b["text/plain"], /budget 1/);
  assert.equal(decisionsOf(action).size, observation.alerts.length);
  const empty = showObservation({ ...observation, alerts: [], queue_length: 0 }).bundle();
  assert.match(empty["text/plain"], /no alerts queued/);
});

Deno.test("showReward shows the value and the non-zero components only", () => {
  const b = showReward({
    value: 8,
    components: {
      critical_resolved: 10,
      cascade_prevented: 0,
      false_positive_ignored: 0,
      unnecessary_investigation: -2,
      wasted_escalation: 0,
      critical_missed: 0,
      system_failure: 0,
    },
  }).bundle();
  assert.equal(b["text/plain"], "reward 8 (critical_resolved +10, unnecessary_investigation -2)");
  assert.ok(!b["text/html"].includes("cascade_prevented"));
});

Deno.test("showEpisode, showTruth and showGrade render a played episode", () => {
  const { env, steps } = playRules("hard", 7);
  const truth = env.state().truth!;
  const grade = gradeEpisode(env);
  const ep = showEpisode({ agent: "rules", task: "hard", seed: 7, steps, truth, grade }).bundle();
  assert.match(ep["text/plain"], new RegExp(`rules · hard · seed 7 · ${steps.length} steps`));
  assert.ok(ep["text/html"].includes("Hidden truth") && ep["text/html"].includes("Grade"));
  const t = showTruth(truth, { alerts: true }).bundle();
  assert.ok(t["text/html"].includes(`all ${truth.alerts.length} alerts`));
  assert.match(t["text/plain"], new RegExp(`${truth.incidents.length} incidents`));
  const g = showGrade(grade, { task: "hard", threshold: 0.6 }).bundle();
  assert.match(g["text/plain"], new RegExp(`score ${grade.score} \\(threshold 0.6\\)`));
  for (const k of Object.keys(grade.components)) assert.ok(g["text/html"].includes(k));
});

Deno.test("showTable formats numbers and escapes text", () => {
  const b = showTable([{ name: "<x>", v: 0.123456, n: 3 }], { title: "T", digits: 2 }).bundle();
  assert.ok(b["text/html"].includes("&lt;x&gt;") && b["text/html"].includes("0.12"));
  assert.equal(b["text/plain"], "T\nname  v     n\n<x>   0.12  3");
});
