// The fast paths of the step and reset bodies (`src/server/request_schemas.ts`) against the zod
// schemas alone: whatever a fast path accepts, zod accepts with the same result (the same
// action, keys and values, and session id; the same reset parameters); what it leaves is
// answered as zod answers it, errors included.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  parseResetBody,
  parseStepBody,
  plainStepBody,
  type StepBody,
  zodResetBody,
  zodStepBody,
} from "../../src/server/request_schemas.ts";

function outcome(parse: (body: unknown) => StepBody | object, body: unknown): unknown {
  try {
    return { ok: true, result: parse(body) };
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

const text = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.string({ minLength: max - 1, maxLength: max + 1 }),
    fc.constantFrom("é".repeat(max), "😀".repeat(max / 2), "😀".repeat(max / 2 + 1), null, 1),
  );
const seed = fc.oneof(
  fc.integer({ min: -3, max: 1e9 }),
  fc.constantFrom(0, -0, 1.5, NaN, Number.MAX_SAFE_INTEGER, 2 ** 53, -1, null, "12", "x", true),
);
const resetBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ seed, task_id: text(64), episode_id: text(255) }, { requiredKeys: [] }),
  fc.record({ seed, task_id: fc.constantFrom("easy", "hard", "nope") }),
  fc.record({ seed, agent: text(64) }, { requiredKeys: [] }),
  fc.record({ seed, session_id: fc.constantFrom("s", "bad id!") }),
  fc.record({ seed, source: fc.constantFrom("synthetic", "replay", "x", null) }),
  fc.record({ seed, extra: fc.jsonValue() }),
  fc.jsonValue(),
  fc.constantFrom(undefined, null, [], {}, JSON.parse('{"__proto__":{"seed":1}}')),
);

Deno.test("the reset body's fast path answers exactly what zod answers", () => {
  fc.assert(
    fc.property(resetBody, (b) => {
      deepEqual(outcome(parseResetBody, b), outcome(zodResetBody, b));
    }),
    { numRuns: 3000, seed: 14 },
  );
  deepEqual(
    parseResetBody({ seed: 3, task_id: "hard" }),
    zodResetBody({ seed: 3, task_id: "hard" }),
  );
});
