import assert from "node:assert/strict";
import fc from "fast-check";
import type { Agent } from "../../src/agents/agent.ts";
import { LlmAgent } from "../../src/agents/llm.ts";
import { buildSystemPrompt, formatObservation } from "../../src/agents/llm_prompt.ts";
import {
  isResponseFormatMode,
  isSchemaValidReply,
  nextResponseFormat,
  REPLY_JSON_SCHEMA,
  replySchemaFor,
  RESPONSE_FORMATS,
  responseFormatBody,
} from "../../src/agents/llm_response_format.ts";
import { ACTION_TYPES, type Observation } from "../../src/models.ts";
import { JSON_SCHEMAS, parseAction } from "../../src/schemas.ts";
import { makeEnv } from "../../tasks/registry.ts";
import { startStub } from "./stub_server.ts";

function firstObservation(task: string, seed: number): Observation {
  return makeEnv(task).reset({ seed }).observation;
}

Deno.test("the reply schema is the zod decision schema: strict object, the action types, ids", () => {
  const decision = JSON_SCHEMAS.action.anyOf as Record<string, unknown>[];
  const list = decision.find((s) => "decisions" in (s.properties as object))!;
  const item = (list.properties as { decisions: { items: unknown } }).decisions.items;
  const mine = (REPLY_JSON_SCHEMA.properties as { decisions: { items: unknown } }).decisions.items;
  assert.deepEqual(mine, item); // the same decision schema as the action's
  assert.deepEqual(REPLY_JSON_SCHEMA.required, ["decisions"]);
  assert.equal(REPLY_JSON_SCHEMA.additionalProperties, false);
  assert.equal("$schema" in REPLY_JSON_SCHEMA, false);

  const o = firstObservation("hard", 4);
  const tick = replySchemaFor(o) as {
    properties: {
      decisions: {
        maxItems: number;
        items: { properties: Record<string, { enum: string[] }> };
      };
    };
  };
  assert.deepEqual(
    tick.properties.decisions.items.properties.alert_id.enum,
    o.alerts.map((a) => a.id),
  );
  assert.deepEqual(tick.properties.decisions.items.properties.action_type.enum, [...ACTION_TYPES]);
  assert.equal(tick.properties.decisions.maxItems, o.alerts.length);
});

Deno.test("isSchemaValidReply accepts exactly the replies the tick's schema allows", () => {
  const o = firstObservation("medium", 2);
  const [a, b] = o.alerts.map((x) => x.id);
  const ok = (v: unknown) => isSchemaValidReply(v, o);
  assert.ok(ok({ decisions: [] }));
  assert.ok(ok({ decisions: [{ alert_id: a, action_type: "INVESTIGATE" }] }));
  assert.ok(!ok({ decisions: [{ alert_id: "A999", action_type: "IGNORE" }] })); // not queued
  assert.ok(!ok({ decisions: [{ alert_id: a, action_type: "investigate" }] })); // no repairs
  assert.ok(!ok({ decisions: [{ id: a, action_type: "IGNORE" }] }));
  assert.ok(!ok({ decisions: [{ alert_id: b, action_type: "IGNORE" }], note: "x" }));
  assert.ok(!ok({ alert_id: a, action_type: "IGNORE" })); // the single form is not a reply
  assert.ok(
    !ok({
      decisions: o.alerts.map((x) => x.id).concat(a).map((id) => ({
        alert_id: id,
        action_type: "DELAY",
      })),
    }),
  );
});

Deno.test("a schema-valid reply (generated from the tick's schema) is always a valid action", () => {
  const o = firstObservation("hard", 9);
  const ids = o.alerts.map((a) => a.id);
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.constantFrom(...ids), { maxLength: ids.length }).chain((chosen) =>
        fc.tuple(
          fc.constant(chosen),
          fc.array(fc.constantFrom(...ACTION_TYPES), {
            minLength: chosen.length,
            maxLength: chosen.length,
          }),
        )
      ),
      ([chosen, types]) => {
        const reply = {
          decisions: chosen.map((id, i) => ({ alert_id: id, action_type: types[i] })),
        };
        assert.ok(isSchemaValidReply(reply, o));
        assert.deepEqual(parseAction(reply), reply);
      },
    ),
  );
});

Deno.test("response_format bodies and the order modes are tried in", () => {
  const schema = { type: "object" };
  assert.deepEqual(responseFormatBody("json_schema", schema), {
    type: "json_schema",
    json_schema: { name: "triage_decisions", schema, strict: true },
  });
  assert.deepEqual(responseFormatBody("json_object_schema", schema), {
    type: "json_object",
    schema,
  });
  assert.deepEqual(responseFormatBody("json_object", schema), { type: "json_object" });
  assert.equal(responseFormatBody("plain", schema), undefined);
  assert.deepEqual(RESPONSE_FORMATS.map(nextResponseFormat), [
    "json_object_schema",
    "json_object",
    "plain",
    "plain",
  ]);
  assert.ok(isResponseFormatMode("plain") && !isResponseFormatMode("grammar"));
});

Deno.test("the model sees the observation and the task, never the hidden truth", async () => {
  const stub = startStub("good");
  try {
    const agent = new LlmAgent({ baseUrl: stub.url, model: "stub-model", maxRetries: 0 }, () => {});
    assert.ok(!(agent as Agent).readsTruth);
    const env = makeEnv("hard");
    let { observation } = env.reset({ seed: 11 });
    const shown: Observation[] = [];
    for (let t = 0; t < 6; t++) {
      if (observation.alerts.length) shown.push(observation);
      observation = env.step(await agent.act(observation)).observation;
    }
    assert.ok(env.state().truth!.alerts.length > 0);
    // each request: the task-free system prompt and the observation as shown, nothing more
    const messages = stub.requests.map((r) =>
      r.body.messages as { role: string; content: string }[]
    );
    assert.deepEqual(
      messages.map((m) => m.map((x) => x.role)),
      shown.map(() => ["system", "user"]),
    );
    assert.deepEqual(messages.map((m) => m[1].content), shown.map(formatObservation));
    assert.ok(messages.every((m) => m[0].content === buildSystemPrompt()));
    const sent = JSON.stringify(stub.requests.map((r) => r.body));
    assert.ok(
      !/true_severity|incident_id|arrived_tick|outcome|"kind"|failure_threshold/.test(sent),
    );
  } finally {
    await stub.close();
  }
});
