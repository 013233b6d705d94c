import { deepEqual, equal, match, ok } from "node:assert/strict";
import { get, post, withServer } from "./helpers.ts";
import { listTasks, RuleBasedAgent } from "../../mod.ts";

Deno.test("POST /env/reset/{task_id} starts an episode of that task with info", async () => {
  await withServer(async ({ url }) => {
    const res = await post(url + "/env/reset/hard", { seed: 9 });
    equal(res.status, 200);
    deepEqual(Object.keys(res.body), ["observation", "reward", "done", "info"]);
    equal(res.body.reward, null);
    equal(res.body.info.seed, 9);
    equal(res.body.info.terminated, false);
    ok(Array.isArray(res.body.info.action_mask));
    equal((await get(url + "/env/state")).body.task_id, "hard");
  });
});

Deno.test("POST /env/reset/{task_id} with an unknown task is a 404", async () => {
  await withServer(async ({ url }) => {
    const res = await post(url + "/env/reset/nope");
    equal(res.status, 404);
    match(res.body.detail, /known tasks: easy, medium, hard/);
  });
});

Deno.test("POST /env/step returns info with task_score at the end of the episode", async () => {
  await withServer(async ({ url }) => {
    let res = await post(url + "/env/reset/easy", { seed: 2 });
    const agent = new RuleBasedAgent();
    while (!res.body.done) {
      res = await post(url + "/env/step", { action: agent.act(res.body.observation) });
      equal(res.status, 200);
    }
    const info = res.body.info;
    ok(info.task_score >= 0.001 && info.task_score <= 0.999);
    equal(typeof info.success, "boolean");
    ok(info.episode.l > 0);
    const rejected = await post(url + "/env/step", { action: { decisions: [] } });
    equal(rejected.status, 409);
  });
});

Deno.test("GET /tasks lists the tasks", async () => {
  await withServer(async ({ url }) => {
    deepEqual((await get(url + "/tasks")).body, listTasks());
  });
});

Deno.test("GET /metrics serves the Prometheus text format with sessions, steps, errors, latency and scores", async () => {
  await withServer(async ({ url }) => {
    let res = await post(url + "/reset", { task_id: "easy", seed: 1, agent: "ppo" });
    while (!res.body.done) res = await post(url + "/step", { action: { decisions: [] } });
    await post(url + "/step", { action: { decisions: [] } });
    const metrics = await fetch(url + "/metrics");
    match(metrics.headers.get("content-type")!, /^text\/plain; version=0.0.4/);
    const text = await metrics.text();
    match(text, /^alert_triage_sessions\{transport="http"\} 1$/m);
    match(text, /^alert_triage_steps_total\{task="easy"\} \d+$/m);
    match(text, /^alert_triage_episodes_total\{task="easy"\} 1$/m);
    match(text, /^alert_triage_errors_total\{kind="not_running"\} 1$/m);
    match(text, /^alert_triage_step_latency_seconds_bucket\{le="\+Inf"\} \d+$/m);
    match(text, /^alert_triage_step_latency_seconds_count \d+$/m);
    match(text, /^alert_triage_task_score\{task="easy",agent="ppo"\} 0\.\d+$/m);
    match(text, /^alert_triage_baseline_score\{task="hard",agent="rules"\} 0\.\d+$/m);
    match(text, /^# TYPE alert_triage_step_latency_seconds histogram$/m);
    // every sample line is `name{labels} value` or `name value`
    for (const line of text.trim().split("\n")) {
      if (!line.startsWith("#")) match(line, /^[a-z_]+(\{[^}]*\})? [-0-9.e+]+$/);
    }
  }, { baselineEpisodes: 2 });
});

Deno.test("GET /metrics?format=json and /metrics.json compare every agent's score with the rule baseline", async () => {
  await withServer(async ({ url }) => {
    for (const agent of ["ppo", "random"]) {
      let res = await post(url + "/reset", { task_id: "medium", seed: 4 }, {
        "X-Agent-Name": agent,
      });
      while (!res.body.done) res = await post(url + "/step", { action: { decisions: [] } });
    }
    const json = (await get(url + "/metrics?format=json")).body;
    deepEqual(json, (await get(url + "/metrics.json")).body);
    const medium = json.scores_vs_baseline.medium;
    equal(medium.baseline.agent, "rules");
    equal(medium.baseline.episodes, 3);
    deepEqual(Object.keys(medium.agents).sort(), ["ppo", "random"]);
    const ppo = medium.agents.ppo;
    equal(ppo.episodes, 1);
    equal(ppo.vs_baseline, Math.round((ppo.mean - medium.baseline.mean) * 10000) / 10000);
    equal(json.sessions.http, 1);
    ok(json.step_latency_seconds.count > 0);
  }, { baselineEpisodes: 3 });
});
