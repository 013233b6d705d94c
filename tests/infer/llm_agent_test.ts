/**
 * LlmAgent against the local OpenAI-compatible stub: good replies, fenced replies, malformed
 * JSON, refusals, timeouts, 429 with Retry-After, 500s, 401, invalid decisions, an endpoint
 * without JSON mode, and the run's time limit.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  isFormatRejection,
  LlmAgent,
  type LlmConfig,
  type LlmStats,
} from "../../src/agents/llm.ts";
import { RuleBasedAgent } from "../../src/agents/rule_based.ts";
import { ACTION_TYPES, type Observation } from "../../src/models.ts";
import { getTask, makeEnv } from "../../tasks/registry.ts";
import { startStub, type Stub, type StubMode } from "./stub_server.ts";

const rules = new RuleBasedAgent();

function agentFor(stub: Stub, config: Partial<LlmConfig> = {}): LlmAgent {
  const agent = new LlmAgent({
    baseUrl: stub.url,
    model: "stub-model",
    apiKey: "test-key-123",
    timeoutMs: 300,
    maxRetries: 1,
    backoffBaseMs: 10,
    backoffCapMs: 40,
    ...config,
  }, () => {});
  agent.setTask(getTask("easy"));
  agent.reset(1);
  return agent;
}

/** Observations of the first `n` ticks of easy/seed 3 (played with the rule baseline). */
function observations(n: number): Observation[] {
  const env = makeEnv("easy");
  let { observation } = env.reset({ seed: 3 });
  const out: Observation[] = [];
  while (out.length < n) {
    if (observation.alerts.length) out.push(observation);
    observation = env.step(rules.act(observation)).observation;
  }
  return out;
}

function assertInvariants(s: LlmStats): void {
  assert.equal(s.ticks, s.empty_ticks + s.llm_actions + s.fallbacks);
  assert.equal(
    s.fallbacks,
    s.parse_errors + s.invalid_replies + s.refusals + s.api_errors + s.timeouts +
      s.rate_limited + s.deadline_skips + s.disabled_skips,
  );
  assert.ok(s.requests >= s.retries);
}

async function withStub(mode: StubMode, fn: (stub: Stub) => Promise<void>): Promise<void> {
  const stub = startStub(mode);
  try {
    await fn(stub);
  } finally {
    await stub.close();
  }
}

Deno.test("LlmAgent plays the model's decisions when the replies are good", async () => {
  await withStub("good", async (stub) => {
    const agent = agentFor(stub);
    const env = makeEnv("easy");
    let { observation } = env.reset({ seed: 5 });
    const ids = observation.alerts.map((a) => a.id);
    for (let t = 0; t < 8; t++) {
      const action = await agent.act(observation);
      const expected = rules.act(observation);
      assert.deepEqual(action, expected);
      observation = env.step(action).observation;
    }
    const s = agent.stats;
    assertInvariants(s);
    assert.equal(s.fallbacks, 0);
    assert.equal(s.llm_actions + s.empty_ticks, 8);
    assert.equal(s.requests, s.llm_actions);
    assert.equal(s.prompt_tokens, 100 * s.requests);
    const req = stub.requests[0];
    assert.equal(req.authorization, "Bearer test-key-123");
    assert.equal(req.body.model, "stub-model");
    assert.deepEqual(req.body.response_format, {
      type: "json_schema",
      json_schema: {
        name: "triage_decisions",
        strict: true,
        schema: {
          type: "object",
          properties: {
            decisions: {
              type: "array",
              maxItems: ids.length,
              items: {
                type: "object",
                properties: {
                  alert_id: { type: "string", enum: ids },
                  action_type: {
                    type: "string",
                    enum: [...ACTION_TYPES],
                  },
                },
                required: ["alert_id", "action_type"],
                additionalProperties: false,
              },
            },
          },
          required: ["decisions"],
          additionalProperties: false,
        },
      },
    });
    assert.equal(s.replies, s.requests);
    assert.equal(s.parsed_replies, s.replies);
    assert.equal(s.schema_valid_replies, s.replies);
    assert.equal(s.format_rejections, 0);
    assert.equal(agent.responseFormat, "json_schema");
    const system = (req.body.messages as { content: string }[])[0].content;
    assert.match(system, /K=3/);
    assert.match(system, /\+10 critical_resolved/);
    assert.match(system, /leave out of your reply is delayed/);
  });
});

Deno.test("LlmAgent reads fenced replies with prose and reasoning around them", async () => {
  await withStub("fenced", async (stub) => {
    const agent = agentFor(stub);
    for (const o of observations(3)) assert.deepEqual(await agent.act(o), rules.act(o));
    assert.equal(agent.stats.llm_actions, 3);
    assert.equal(agent.stats.fallbacks, 0);
  });
});

Deno.test("LlmAgent falls back to the rule baseline on malformed JSON", async () => {
  await withStub("malformed", async (stub) => {
    const agent = agentFor(stub);
    for (const o of observations(4)) assert.deepEqual(await agent.act(o), rules.act(o));
    const s = agent.stats;
    assertInvariants(s);
    assert.equal(s.parse_errors, 4);
    assert.equal(s.fallbacks, 4);
    assert.equal(s.requests, 4); // a bad reply is not retried
    assert.equal(agent.lastOutcome.source, "parse_errors");
  });
});

Deno.test("LlmAgent counts refusals in the text and in the refusal field", async () => {
  await withStub("refusal", async (stub) => {
    const agent = agentFor(stub);
    const [a, b] = observations(2);
    assert.deepEqual(await agent.act(a), rules.act(a));
    stub.mode = "refusal_field";
    assert.deepEqual(await agent.act(b), rules.act(b));
    assertInvariants(agent.stats);
    assert.equal(agent.stats.refusals, 2);
    assert.equal(agent.stats.parse_errors, 0);
  });
});

Deno.test("LlmAgent times out within bounds, retries once and falls back", async () => {
  await withStub("timeout", async (stub) => {
    const agent = agentFor(stub, { timeoutMs: 150, maxRetries: 1 });
    const [o] = observations(1);
    const t0 = performance.now();
    assert.deepEqual(await agent.act(o), rules.act(o));
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 290 && elapsed < 1500, `took ${elapsed} ms`);
    const s = agent.stats;
    assertInvariants(s);
    assert.equal(s.request_timeouts, 2);
    assert.equal(s.retries, 1);
    assert.equal(s.timeouts, 1);
  });
});

Deno.test("LlmAgent honours Retry-After on 429, then uses the reply", async () => {
  await withStub("rate_limit", async (stub) => {
    const agent = agentFor(stub, { backoffBaseMs: 1 });
    const [o] = observations(1);
    const t0 = performance.now();
    assert.deepEqual(await agent.act(o), rules.act(o));
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 950, `waited only ${elapsed} ms for Retry-After: 1`);
    const s = agent.stats;
    assertInvariants(s);
    assert.deepEqual([s.http_429, s.retries, s.requests, s.llm_actions], [1, 1, 2, 1]);
    assert.equal(s.fallbacks, 0);
  });
});

Deno.test("LlmAgent pauses the model when Retry-After exceeds its cap", async () => {
  await withStub("rate_limit", async (stub) => {
    stub.retryAfter = "5";
    const agent = agentFor(stub, { retryAfterCapMs: 100 });
    const [a, b] = observations(2);
    const t0 = performance.now();
    assert.deepEqual(await agent.act(a), rules.act(a));
    assert.deepEqual(await agent.act(b), rules.act(b));
    assert.ok(performance.now() - t0 < 1000);
    assertInvariants(agent.stats);
    assert.equal(agent.stats.requests, 1); // the second tick did not call before Retry-After
    assert.equal(agent.stats.rate_limited, 2);
  });
});

Deno.test("LlmAgent retries 500s with bounded backoff, then falls back", async () => {
  await withStub("error500", async (stub) => {
    const agent = agentFor(stub, { maxRetries: 2 });
    const [o] = observations(1);
    assert.deepEqual(await agent.act(o), rules.act(o));
    const s = agent.stats;
    assertInvariants(s);
    assert.deepEqual([s.requests, s.retries, s.http_5xx, s.api_errors], [3, 2, 3, 1]);
  });
});

Deno.test("LlmAgent switches the model off after too many failed ticks in a row", async () => {
  await withStub("error500", async (stub) => {
    const agent = agentFor(stub, { maxRetries: 0, maxConsecutiveFailures: 2 });
    for (const o of observations(4)) assert.deepEqual(await agent.act(o), rules.act(o));
    const s = agent.stats;
    assertInvariants(s);
    assert.equal(s.requests, 2);
    assert.equal(s.api_errors, 2);
    assert.equal(s.disabled_skips, 2);
    assert.match(agent.disabledReason ?? "", /2 failed ticks in a row/);
  });
});

Deno.test("LlmAgent switches the model off on 401 without retrying", async () => {
  await withStub("unauthorized", async (stub) => {
    const agent = agentFor(stub, { maxRetries: 3 });
    for (const o of observations(3)) await agent.act(o);
    assert.equal(agent.stats.requests, 1);
    assert.equal(agent.stats.disabled_skips, 2);
    assert.match(agent.disabledReason ?? "", /401/);
    assert.doesNotMatch(agent.disabledReason ?? "", /test-key-123/);
  });
});

Deno.test("LlmAgent drops invalid decisions and keeps the valid ones", async () => {
  await withStub("invalid", async (stub) => {
    const agent = agentFor(stub);
    const [o] = observations(1);
    const action = await agent.act(o);
    assert.ok("decisions" in action);
    const ids = o.alerts.map((a) => a.id);
    const expected = ids.slice(0, o.investigation_budget).map((id) => ({
      alert_id: id,
      action_type: "INVESTIGATE",
    }));
    assert.deepEqual(action.decisions, expected);
    // unknown id, INVESTIGATE past the budget, the duplicate and the bad action type
    assert.equal(agent.stats.dropped_decisions, 1 + (ids.length - o.investigation_budget) + 2);
    assert.equal(agent.stats.llm_actions, 1);
    assertInvariants(agent.stats);
  });
});

Deno.test("LlmAgent steps down to plain prompting when the endpoint rejects every response_format", async () => {
  await withStub("no_json_mode", async (stub) => {
    const agent = agentFor(stub, { maxRetries: 0 });
    const [a, b] = observations(2);
    assert.deepEqual(await agent.act(a), rules.act(a));
    assert.deepEqual(await agent.act(b), rules.act(b));
    assert.equal(agent.stats.llm_actions, 2);
    assert.equal(agent.stats.fallbacks, 0);
    // json_schema, json_object + schema, json_object: rejected, then plain, kept for tick 2
    assert.deepEqual(
      stub.requests.map((r) => (r.body.response_format as { type?: string } | undefined)?.type),
      ["json_schema", "json_object", "json_object", undefined, undefined],
    );
    assert.ok("schema" in (stub.requests[1].body.response_format as object));
    assert.ok(!("schema" in (stub.requests[2].body.response_format as object)));
    assert.equal(agent.stats.format_rejections, 3);
    assert.equal(agent.stats.retries, 0);
    assert.equal(agent.responseFormat, "plain");
    assertInvariants(agent.stats);
  });
});

Deno.test("LlmAgent uses llama.cpp's json_object + schema when json_schema is refused", async () => {
  await withStub("json_object_only", async (stub) => {
    const agent = agentFor(stub);
    const [a, b] = observations(2);
    assert.deepEqual(await agent.act(a), rules.act(a));
    assert.deepEqual(await agent.act(b), rules.act(b));
    assert.equal(agent.responseFormat, "json_object_schema");
    assert.equal(agent.stats.format_rejections, 1);
    assert.equal(stub.requests.length, 3);
    const last = stub.requests[2].body.response_format as { type: string; schema: unknown };
    assert.equal(last.type, "json_object");
    const items = (last.schema as { properties: { decisions: { items: unknown } } }).properties
      .decisions.items as { properties: { alert_id: { enum: string[] } } };
    assert.deepEqual(items.properties.alert_id.enum, b.alerts.map((x) => x.id));
  });
});

Deno.test("isFormatRejection: 422, a 400 about the format, a 500 naming response_format", () => {
  assert.ok(isFormatRejection(422, "422 status code (no body)"));
  assert.ok(isFormatRejection(400, "400 response_format json_schema is not supported"));
  assert.ok(isFormatRejection(500, "500 1 validation error: ('body', 'response_format', 'type')"));
  assert.ok(!isFormatRejection(400, "400 Requested tokens (5000) exceed context window of 4096"));
  assert.ok(!isFormatRejection(500, "500 internal error"));
  assert.ok(!isFormatRejection(401, "401 invalid api key for response_format"));
});

Deno.test("LlmAgent sends no response_format in plain mode", async () => {
  await withStub("json_object_only", async (stub) => {
    const agent = agentFor(stub, { responseFormat: "plain" });
    const [a] = observations(1);
    assert.deepEqual(await agent.act(a), rules.act(a));
    assert.equal(stub.requests[0].body.response_format, undefined);
    assert.equal(agent.stats.format_rejections, 0);
  });
});

Deno.test("LlmAgent makes no request once the run's time limit is spent", async () => {
  await withStub("good", async (stub) => {
    const agent = agentFor(stub, { timeLimitMs: 0 });
    for (const o of observations(2)) assert.deepEqual(await agent.act(o), rules.act(o));
    assert.equal(agent.stats.deadline_skips, 2);
    assert.equal(stub.requests.length, 0);
  });
});

Deno.test("LlmAgent answers a tick without alerts without calling the model", async () => {
  await withStub("good", async (stub) => {
    const agent = agentFor(stub);
    const [o] = observations(1);
    assert.deepEqual(await agent.act({ ...o, alerts: [], queue_length: 0 }), { decisions: [] });
    assert.equal(agent.stats.empty_ticks, 1);
    assert.equal(stub.requests.length, 0);
  });
});
