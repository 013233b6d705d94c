/**
 * Action validation on the server's hot path. {@link isPlainAction} is a fast acceptance check
 * for the common shapes, so most steps skip the zod parse: it returns true only for values
 * `ActionSchema` certainly accepts (no `metadata`, strict keys, known action types, ids of
 * 1..`MAX_ALERT_ID_LENGTH` UTF-16 units, at most `MAX_DECISIONS` decisions: the limits the schema
 * itself is built from; zod counts code points, so a longer id of astral characters is left to
 * zod). {@link checkAction} falls back to zod for anything else, and for an
 * object with a `decisions` key reports the error of `DecisionListActionSchema`, that branch of
 * the union (so `{"decisions": "all"}` is blamed on `decisions`, not on a missing `alert_id`).
 * `tests/server/action_validation_test.ts` checks that both accept exactly the same values.
 *
 * @example
 * ```ts
 * import { isPlainAction } from "./fast_action.ts";
 * console.assert(isPlainAction({ decisions: [{ alert_id: "A1", action_type: "IGNORE" }] }));
 * console.assert(!isPlainAction({ decisions: [], extra: 1 }));
 * ```
 *
 * @module
 */
import { InvalidActionError } from "../errors.ts";
import { type Action, ACTION_TYPES } from "../models.ts";
import {
  DecisionListActionSchema,
  issuePath,
  MAX_ALERT_ID_LENGTH,
  MAX_DECISIONS,
  parseAction,
} from "../schemas.ts";

const TYPES = new Set<unknown>(ACTION_TYPES);

function isDecision(d: unknown): boolean {
  if (typeof d !== "object" || d === null || Array.isArray(d)) return false;
  let keys = 0;
  for (const key in d) {
    if (key !== "alert_id" && key !== "action_type") return false;
    keys++;
  }
  if (keys !== 2 || Object.getPrototypeOf(d) !== Object.prototype) return false;
  const { alert_id, action_type } = d as { alert_id: unknown; action_type: unknown };
  return typeof alert_id === "string" && alert_id.length >= 1 &&
    alert_id.length <= MAX_ALERT_ID_LENGTH && TYPES.has(action_type);
}

/** True only if the value is a valid action without `metadata` (see the module doc). */
export function isPlainAction(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "decisions") {
    const decisions = (value as { decisions: unknown }).decisions;
    if (!Array.isArray(decisions) || decisions.length > MAX_DECISIONS) return false;
    for (let i = 0; i < decisions.length; i++) if (!isDecision(decisions[i])) return false;
    return true;
  }
  return keys.length === 2 && isDecision(value);
}

/**
 * Validates an untrusted action; throws InvalidActionError naming the offending field.
 * Accepts exactly what `parseAction` accepts.
 */
export function checkAction(raw: unknown): Action {
  if (isPlainAction(raw)) return raw as Action;
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && "decisions" in raw) {
    const result = DecisionListActionSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const path = issue.code === "unrecognized_keys" && issue.keys.length
        ? [...issue.path, issue.keys[0]]
        : issue.path;
      throw new InvalidActionError(issuePath(path), issue.message);
    }
  }
  return parseAction(raw);
}
