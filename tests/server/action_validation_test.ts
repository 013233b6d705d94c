// The server's fast action check (`src/server/fast_action.ts`) against the zod schema
// (`ActionSchema`): both must accept and reject exactly the same values, at the limits the
// schema exports (`MAX_ALERT_ID_LENGTH`, `MAX_DECISIONS`) and around them.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { InvalidActionError } from "../../src/errors.ts";
import { ACTION_TYPES } from "../../src/models.ts";
import {
  ActionSchema,
  MAX_ALERT_ID_LENGTH,
  MAX_DECISIONS,
  parseAction,
} from "../../src/schemas.ts";
import { checkAction, isPlainAction } from "../../src/server/fast_action.ts";

/** Values of every JSON type, and a few that JSON cannot carry. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, 0, -1, 1.5, NaN, "", "x", [], {}, [1], { a: 1 }),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.constant(Object.create(null)),
  fc.constant(new Date(0)),
);

const validId = fc.string({ minLength: 1, maxLength: MAX_ALERT_ID_LENGTH });
const alertId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: validId },
  fc.constantFrom(
    "",
    "A".repeat(MAX_ALERT_ID_LENGTH),
    "A".repeat(MAX_ALERT_ID_LENGTH + 1),
    "é".repeat(MAX_ALERT_ID_LENGTH),
    "😀".repeat(MAX_ALERT_ID_LENGTH / 2),
    "😀".repeat(MAX_ALERT_ID_LENGTH / 2 + 1),
  ),
  fc.string({ minLength: MAX_ALERT_ID_LENGTH - 1, maxLength: MAX_ALERT_ID_LENGTH + 2 }),
  oddValue,
);
const actionType: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ACTION_TYPES) },
  fc.constantFrom(...ACTION_TYPES.map((t) => t.toLowerCase()), "NOPE", "INVESTIGATE "),
  oddValue,
);

/** A decision, valid or off by one field, one key too many or one key missing. */
const decision: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ alert_id: validId, action_type: fc.constantFrom(...ACTION_TYPES) }),
  },
  fc.record({ alert_id: alertId, action_type: actionType }),
  fc.record({ alert_id: alertId, action_type: actionType, extra: oddValue }, { requiredKeys: [] }),
  fc.record({ alert_id: alertId, action_type: actionType, metadata: oddValue }),
  oddValue,
);
const validDecision = { alert_id: "A1", action_type: "INVESTIGATE" };

const metadata: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom({}, { k: 1 }, { nested: { a: [1, 2] } }),
  fc.dictionary(fc.string({ maxLength: 4 }), oddValue, { maxKeys: 3 }),
  oddValue,
);

/** A list of `MAX_DECISIONS - 1 .. MAX_DECISIONS + 1` decisions, at most one of them odd. */
const longList: fc.Arbitrary<unknown[]> = fc.tuple(
  fc.integer({ min: MAX_DECISIONS - 1, max: MAX_DECISIONS + 1 }),
  fc.nat(),
  fc.option(decision, { nil: undefined }),
).map(([length, at, odd]) => {
  const list: unknown[] = Array.from({ length }, () => validDecision);
  if (odd !== undefined) list[at % length] = odd;
  return list;
});

const decisions: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.array(decision, { maxLength: 6 }) },
  longList,
  oddValue,
);

/** Valid actions, near-valid ones (one thing wrong) and values of the wrong type. */
const actionCandidate: fc.Arbitrary<unknown> = fc.oneof(
  decision,
  fc.record({ alert_id: alertId, action_type: actionType, metadata }, { requiredKeys: [] }),
  fc.record({ decisions }),
  fc.record({ decisions, metadata }, { requiredKeys: ["decisions"] }),
  fc.record({ decisions, extra: oddValue }),
  fc.record({ decisions, alert_id: alertId, action_type: actionType }, { requiredKeys: [] }),
  fc.array(decision, { maxLength: 3 }),
  fc.constantFrom(
    '{"__proto__": {"x": 1}, "alert_id": "A1", "action_type": "IGNORE"}',
    '{"decisions": [{"__proto__": null, "alert_id": "A1", "action_type": "IGNORE"}]}',
    '{"decisions": [], "__proto__": []}',
    '{"constructor": 1, "decisions": []}',
  ).map((text) => JSON.parse(text)),
  oddValue,
);

function fastAccepts(value: unknown): boolean {
  try {
    checkAction(value);
    return true;
  } catch (err) {
    ok(err instanceof InvalidActionError, String(err));
    ok(err.field !== "" && err.reason !== "", err.message);
    return false;
  }
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 300) ?? String(value);
  } catch {
    return String(value);
  }
}

function assertSameVerdict(value: unknown): void {
  const zodAccepts = ActionSchema.safeParse(value).success;
  equal(fastAccepts(value), zodAccepts, show(value));
  if (isPlainAction(value)) ok(zodAccepts, show(value));
  if (zodAccepts) deepEqual(checkAction(value), parseAction(value));
}

Deno.test("checkAction and ActionSchema accept and reject exactly the same values", () => {
  fc.assert(fc.property(actionCandidate, assertSameVerdict), { numRuns: 4000, seed: 20260825 });
});

/**
 * Whether every `alert_id` fits `MAX_ALERT_ID_LENGTH` in UTF-16 units. Zod counts code points,
 * the fast path units (never more than code points), so an id of astral characters over the
 * limit in units is left to zod: the fast path is exact only for ids that fit in units.
 */
function idsFitInUnits(value: unknown): boolean {
  const ids = (v: unknown): unknown[] => {
    if (typeof v !== "object" || v === null) return [];
    const d = (v as { decisions?: unknown }).decisions;
    return Array.isArray(d) ? d.flatMap(ids) : [(v as { alert_id?: unknown }).alert_id];
  };
  return ids(value).every((id) => typeof id !== "string" || id.length <= MAX_ALERT_ID_LENGTH);
}

Deno.test("on JSON input, the fast path takes exactly the valid actions without metadata", () => {
  const json = actionCandidate
    .map((value) => JSON.stringify(value))
    .filter((text): text is string => text !== undefined)
    .map((text): unknown => JSON.parse(text));
  fc.assert(
    fc.property(json, (value) => {
      assertSameVerdict(value);
      const valid = ActionSchema.safeParse(value).success;
      const hasMetadata = typeof value === "object" && value !== null && "metadata" in value;
      equal(isPlainAction(value), valid && !hasMetadata && idsFitInUnits(value), show(value));
    }),
    { numRuns: 3000, seed: 7 },
  );
});

Deno.test("both checks share the schema's limits: the last valid size and the first invalid", () => {
  const id = (length: number) => ({ alert_id: "A".repeat(length), action_type: "IGNORE" });
  const list = (length: number) => ({ decisions: Array.from({ length }, () => validDecision) });
  const cases: [unknown, boolean][] = [
    [id(1), true],
    [id(MAX_ALERT_ID_LENGTH), true],
    [id(MAX_ALERT_ID_LENGTH + 1), false],
    [id(0), false],
    [{ alert_id: "😀".repeat(MAX_ALERT_ID_LENGTH), action_type: "IGNORE" }, true],
    [{ alert_id: "😀".repeat(MAX_ALERT_ID_LENGTH + 1), action_type: "IGNORE" }, false],
    [list(0), true],
    [list(MAX_DECISIONS), true],
    [list(MAX_DECISIONS + 1), false],
    [{ decisions: [id(MAX_ALERT_ID_LENGTH + 1)] }, false],
  ];
  for (const [value, valid] of cases) {
    equal(ActionSchema.safeParse(value).success, valid, show(value));
    equal(isPlainAction(value), valid && idsFitInUnits(value), show(value));
    assertSameVerdict(value);
  }
});
