// The step body's fast path (`plainStepBody` in `src/server/request_schemas.ts`) against the zod
// schema (`zodStepBody`): whatever the fast path accepts, zod accepts with the same action (keys
// and values) and the same session id; what it leaves, `parseStepBody` answers as zod does.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  parseStepBody,
  plainStepBody,
  type StepBody,
  zodStepBody,
} from "../../src/server/request_schemas.ts";

function outcome(parse: (body: unknown) => StepBody, body: unknown): unknown {
  try {
    const { action, session_id } = parse(body);
    return { ok: true, action, session_id };
  } catch (err) {
    return { ok: false, err: JSON.stringify(err) + String(err) };
  }
}

const sessionId = fc.oneof(
  fc.constantFrom("default", "a", "bench-wire", "x".repeat(128), "x".repeat(129), "bad id!", ""),
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,12}$/),
  fc.string({ maxLength: 6 }),
  fc.constantFrom(null, 1, true, [], {}),
);
const action = fc.oneof(
  fc.constantFrom({ decisions: [] }, {}, { alert_id: "A1", action_type: "IGNORE" }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue(), { maxKeys: 3 }),
  fc.jsonValue(),
);
const body: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ action }),
  fc.record({ action, session_id: sessionId }),
  fc.record({ action, session_id: sessionId }, { requiredKeys: [] }),
  fc.record({ action, timeout_s: fc.oneof(fc.double(), fc.constant(null)) }),
  fc.record({ action, request_id: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null)) }),
  fc.record({ action, extra: fc.jsonValue() }),
  fc.jsonValue(),
  fc.constantFrom(undefined, null, [], "x", 0),
);

Deno.test("plainStepBody accepts only what zod accepts, with the same action and session", () => {
  fc.assert(
    fc.property(body, (b) => {
      const fast = plainStepBody(b);
      if (fast !== null) {
        const slow = zodStepBody(b);
        deepEqual(fast.action, slow.action);
        deepEqual(Object.keys(fast.action as object), Object.keys(slow.action as object));
        equal(fast.session_id, slow.session_id);
      }
      deepEqual(outcome(parseStepBody, b), outcome(zodStepBody, b));
    }),
    { numRuns: 3000, seed: 14 },
  );
});

Deno.test("plainStepBody takes the common bodies and leaves the odd ones to zod", () => {
  ok(plainStepBody({ action: { decisions: [] } }));
  ok(plainStepBody({ action: {}, session_id: "s-1" }));
  equal(plainStepBody({ action: {}, session_id: "bad id!" }), null);
  equal(plainStepBody({ action: [] }), null);
  equal(plainStepBody({ action: {}, timeout_s: 1 }), null);
  equal(plainStepBody(JSON.parse('{"action":{"__proto__":1}}')), null);
  equal(plainStepBody(JSON.parse('{"action":{},"__proto__":{}}')), null);
  equal(plainStepBody(Object.assign(Object.create(null), { action: {} })), null);
  // zod's answer for a body with `__proto__` keys is what parseStepBody gives
  const odd = JSON.parse('{"action":{"decisions":[],"__proto__":1}}');
  deepEqual(outcome(parseStepBody, odd), outcome(zodStepBody, odd));
});
