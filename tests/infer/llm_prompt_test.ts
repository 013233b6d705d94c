/**
 * The LLM conversation pieces: prompt contents, robust JSON extraction, reply validation against
 * the observation, configuration from the environment, Retry-After parsing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_API_BASE_URL, DEFAULT_MODEL_NAME, retryAfterMs } from "../../src/agents/llm.ts";
import { apiKeyFromEnv, LlmConfigError, llmConfigFromEnv } from "../../src/infer/llm_config.ts";
import {
  buildSystemPrompt,
  extractJson,
  formatObservation,
  InvalidReplyError,
  looksLikeRefusal,
  readReply,
  ReplyParseError,
  validateReply,
} from "../../src/agents/llm_prompt.ts";
import type { Observation } from "../../src/models.ts";
import { getTask, makeEnv, TASKS } from "../../tasks/registry.ts";
import { observationFromPrompt } from "./stub_server.ts";

const OBS: Observation = {
  alerts: [
    {
      id: "A1",
      visible_severity: 0.9,
      confidence: 0.8,
      alert_type: "CPU",
      service: "auth",
      age: 0,
    },
    {
      id: "A2",
      visible_severity: 0.2,
      confidence: 0.4,
      alert_type: "DISK",
      service: "cache",
      age: 2,
    },
    {
      id: "A3",
      visible_severity: 0.5,
      confidence: 0.6,
      alert_type: "SECURITY",
      service: "db",
      age: 1,
    },
  ],
  system_load: 0.35,
  queue_length: 3,
  time_remaining: 20,
  investigation_budget: 1,
  escalations_pending: 0,
  tick: 10,
};

Deno.test("buildSystemPrompt explains decisions, budget, delay default, rewards and scoring", () => {
  for (const task of TASKS) {
    const p = buildSystemPrompt(task);
    for (const word of ["INVESTIGATE", "IGNORE", "ESCALATE", "DELAY", "Score:", '"decisions"']) {
      assert.ok(p.includes(word), `${task.id} prompt lacks ${word}`);
    }
    assert.ok(p.includes(`K=${task.world.k}`));
    assert.ok(p.includes(`${task.world.horizon} ticks`));
    assert.match(p, /leave out of your reply is delayed/);
    assert.match(p, /-10 system_failure/);
  }
  assert.match(buildSystemPrompt(getTask("hard")), /cascade into dependent services/);
  assert.match(buildSystemPrompt(), /investigation_budget/);
});

Deno.test("formatObservation shows every alert exactly and round-trips through the stub", () => {
  const env = makeEnv("hard");
  const { observation } = env.reset({ seed: 9 });
  const text = formatObservation(observation);
  for (const a of observation.alerts) assert.ok(text.includes(`${a.id},${a.alert_type},`));
  assert.deepEqual(observationFromPrompt(text), observation);
  assert.ok(!text.includes("\n\n"));
});

Deno.test("extractJson strips fences, reasoning and prose and finds the first object", () => {
  const want = { decisions: [{ alert_id: "A1", action_type: "IGNORE" }] };
  const json = JSON.stringify(want);
  assert.deepEqual(extractJson(json), want);
  assert.deepEqual(extractJson("```json\n" + json + "\n```"), want);
  assert.deepEqual(extractJson("```\n" + json + "```"), want);
  assert.deepEqual(
    extractJson(`<think>maybe {"x": 1}</think>\nSure! ${json} Hope that helps.`),
    want,
  );
  assert.deepEqual(extractJson(`Note {not json} then ${json}`), want);
  assert.deepEqual(extractJson('{"decisions":[{"alert_id":"A}1","action_type":"IGNORE"}]}'), {
    decisions: [{ alert_id: "A}1", action_type: "IGNORE" }],
  });
  assert.throws(() => extractJson(""), ReplyParseError);
  assert.throws(() => extractJson('{"decisions": ['), ReplyParseError);
  assert.throws(() => extractJson("I cannot do that"), ReplyParseError);
});

Deno.test("validateReply keeps valid decisions and drops unknown, duplicate and over-budget ones", () => {
  const { action, dropped } = validateReply({
    decisions: [
      { alert_id: "A1", action_type: "investigate" },
      { alert_id: "A3", action_type: "INVESTIGATE" },
      { alert_id: "A9", action_type: "IGNORE" },
      { id: "A2", action: "IGNORE" },
      { alert_id: "A2", action_type: "ESCALATE" },
      { alert_id: "A3", action_type: "PAGE_EVERYONE" },
      "A3",
    ],
  }, OBS);
  assert.deepEqual(action, {
    decisions: [
      { alert_id: "A1", action_type: "INVESTIGATE" },
      { alert_id: "A2", action_type: "IGNORE" },
    ],
  });
  assert.deepEqual(dropped.map((d) => d.index), [1, 2, 4, 5, 6]);
  assert.match(dropped[0].reason, /budget/);
  assert.match(dropped[1].reason, /unknown alert id "A9"/);
  assert.match(dropped[2].reason, /duplicate/);
  assert.match(dropped[3].reason, /action_type/);
});

Deno.test("validateReply accepts the shorthand forms and an empty list, rejects bad shapes", () => {
  assert.deepEqual(validateReply({ alert_id: "A2", action_type: "IGNORE" }, OBS).action, {
    decisions: [{ alert_id: "A2", action_type: "IGNORE" }],
  });
  assert.deepEqual(validateReply([{ alert_id: "A2", action_type: "DELAY" }], OBS).action, {
    decisions: [{ alert_id: "A2", action_type: "DELAY" }],
  });
  assert.deepEqual(validateReply({ decisions: [] }, OBS).action, { decisions: [] });
  assert.throws(() => validateReply({ actions: [] }, OBS), InvalidReplyError);
  assert.throws(() => validateReply(42, OBS), InvalidReplyError);
  assert.throws(
    () => validateReply({ decisions: [{ alert_id: "A7", action_type: "IGNORE" }] }, OBS),
    InvalidReplyError,
  );
  assert.throws(() => readReply("nothing here", OBS), ReplyParseError);
});

Deno.test("looksLikeRefusal spots refusals, not triage prose", () => {
  assert.ok(looksLikeRefusal("I'm sorry, but I can't help with that."));
  assert.ok(looksLikeRefusal("I cannot assist with this request"));
  assert.ok(looksLikeRefusal("As an AI, I won't decide."));
  assert.ok(!looksLikeRefusal("A1 looks critical; investigate it first."));
});

Deno.test("llmConfigFromEnv reads endpoint, model, key precedence and bounds", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  const d = llmConfigFromEnv(env({}));
  assert.equal(d.baseUrl, DEFAULT_API_BASE_URL);
  assert.equal(d.model, DEFAULT_MODEL_NAME);
  assert.equal(d.apiKey, undefined);
  assert.ok(d.timeoutMs > 0 && d.maxRetries >= 0 && d.timeLimitMs > 0);
  const c = llmConfigFromEnv(env({
    API_BASE_URL: "http://x/v1",
    MODEL_NAME: "m",
    OPENAI_API_KEY: "k2",
    HF_TOKEN: "k3",
    LLM_TIMEOUT_S: "1.5",
    LLM_MAX_RETRIES: "4",
    LLM_TIME_LIMIT_S: "60",
    LLM_JSON_MODE: "0",
  }));
  assert.deepEqual(
    [c.baseUrl, c.model, c.apiKey, c.timeoutMs, c.maxRetries, c.timeLimitMs, c.responseFormat],
    ["http://x/v1", "m", "k2", 1500, 4, 60_000, "plain"],
  );
  assert.equal(d.responseFormat, "json_schema");
  const f = (v: string) => llmConfigFromEnv(env({ LLM_RESPONSE_FORMAT: v })).responseFormat;
  assert.equal(f(" JSON_OBJECT_SCHEMA "), "json_object_schema");
  assert.equal(f("plain"), "plain");
  assert.equal(
    llmConfigFromEnv(env({ LLM_RESPONSE_FORMAT: "json_object", LLM_JSON_MODE: "0" }))
      .responseFormat,
    "json_object",
  );
  assert.throws(() => f("grammar"), /LLM_RESPONSE_FORMAT must be one of json_schema, /);
  assert.equal(apiKeyFromEnv(env({ API_KEY: "k1", OPENAI_API_KEY: "k2", HF_TOKEN: "k3" })), "k1");
  assert.equal(apiKeyFromEnv(env({ API_KEY: " ", HF_TOKEN: "k3" })), "k3");
  assert.throws(() => llmConfigFromEnv(env({ LLM_TIMEOUT_S: "soon" })), LlmConfigError);
  assert.throws(() => llmConfigFromEnv(env({ LLM_MAX_RETRIES: "-1" })), LlmConfigError);
});

Deno.test("retryAfterMs reads seconds, HTTP dates and retry-after-ms", () => {
  assert.equal(retryAfterMs(new Headers({ "retry-after": "2" })), 2000);
  assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" })), 250);
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(
    retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now),
    3000,
  );
  assert.equal(retryAfterMs(new Headers({ "retry-after": "soon" })), undefined);
  assert.equal(retryAfterMs(new Headers()), undefined);
  assert.equal(retryAfterMs(undefined), undefined);
});
