/**
 * Action decoding for {@link AlertTriageEnv}: an action object (`{decisions: [...]}` or one
 * `{alert_id, action_type}`) or raw decision codes are validated and written as one code per
 * queue position (`0` INVESTIGATE, `1` IGNORE, `2` ESCALATE, `3` DELAY; undecided alerts are
 * delayed). A rejected action throws {@link InvalidActionError} naming the field; only the
 * caller's scratch arrays are written, so the episode is unchanged. An alert that has left the
 * queue gets one message whatever became of it (how it left would name its hidden class).
 *
 * @example
 * ```ts
 * import { encodeAction } from "./action_codec.ts";
 * import { World } from "./sim/world.ts";
 * import { DEFAULT_WORLD } from "./sim/world_config.ts";
 * const world = new World(DEFAULT_WORLD);
 * world.reset(1);
 * const codes = new Int8Array(DEFAULT_WORLD.maxQueue);
 * const position = new Int32Array(world.alertCapacity);
 * encodeAction({ decisions: [] }, world, codes, position);
 * console.assert(world.queueLength === 0 || codes[0] === 3); // undecided: DELAY
 * ```
 *
 * @module
 */
import { InvalidActionError } from "./errors.ts";
import { type Action, ACTION_TYPES, type Decision } from "./models.ts";
import { alertIndex } from "./sim/truth.ts";
import { DELAY, INVESTIGATE, PENDING, type World } from "./sim/world.ts";

/** The field an error names: `decisions[i].<name>`, or `<name>` for a single decision. Built only
 * when an error is thrown. */
function fieldName(single: boolean, i: number, name: string): string {
  return single ? name : `decisions[${i}].${name}`;
}

// The literal list below must follow ACTION_TYPES (checked at load).
if (ACTION_TYPES.join() !== "INVESTIGATE,IGNORE,ESCALATE,DELAY") {
  throw new Error("action_codec.ts: action codes out of order");
}

/** The code of an action type (ACTION_TYPES order), -1 for anything else. */
function actionCode(type: unknown): number {
  switch (type) {
    case "INVESTIGATE":
      return 0;
    case "IGNORE":
      return 1;
    case "ESCALATE":
      return 2;
    case "DELAY":
      return 3;
    default:
      return -1;
  }
}

/** Throws when `investigations` exceed the tick's budget (the error names `field`). */
function checkBudget(investigations: number, world: World, field: string): void {
  if (investigations > world.budget) {
    throw new InvalidActionError(
      field,
      `${investigations} INVESTIGATE decisions exceed this tick's investigation budget of ` +
        `${world.budget}`,
    );
  }
}

/**
 * Validates raw decision codes (one per queue position, at most the queue's length; missing
 * ones are DELAY) and copies them into `out`.
 */
export function encodeCodes(codes: ArrayLike<number>, world: World, out: Int8Array): void {
  const n = world.queueLength;
  if (codes.length > n) {
    throw new InvalidActionError("codes", `${codes.length} codes for ${n} queued alerts`);
  }
  // `out` is scratch: a rejected action leaves it half written, which changes nothing.
  const given = codes.length;
  let investigations = 0;
  for (let i = 0; i < n; i++) {
    const c = i < given ? codes[i] : DELAY;
    if (!(c === 0 || c === 1 || c === 2 || c === 3)) {
      throw new InvalidActionError(`codes[${i}]`, `decision code must be 0..3, got ${c}`);
    }
    if (c === INVESTIGATE) investigations++;
    out[i] = c;
  }
  checkBudget(investigations, world, "codes");
}

/**
 * Validates an action and writes its codes into `codes` (`position` is scratch of one slot per
 * alert of the world), touching nothing else.
 */
export function encodeAction(
  action: Action,
  world: World,
  codes: Int8Array,
  position: Int32Array,
): void {
  if (typeof action !== "object" || action === null || Array.isArray(action)) {
    throw new InvalidActionError(
      "action",
      "expected an object {decisions: [...]} or {alert_id, action_type}",
    );
  }
  const single = !("decisions" in action);
  const decisions: unknown = single ? [action] : (action as { decisions: unknown }).decisions;
  if (!Array.isArray(decisions)) {
    throw new InvalidActionError("decisions", "expected an array of decisions");
  }
  const n = world.queueLength;
  const queue = world.queue;
  for (let i = 0; i < n; i++) {
    codes[i] = -1;
    position[queue[i]] = i;
  }
  let investigations = 0;
  for (let i = 0; i < decisions.length; i++) {
    const d = decisions[i] as Partial<Decision> | null;
    if (typeof d !== "object" || d === null) {
      throw new InvalidActionError(single ? "action" : `decisions[${i}]`, "expected an object");
    }
    const code = actionCode(d.action_type);
    if (code < 0) {
      throw new InvalidActionError(
        fieldName(single, i, "action_type"),
        `expected one of ${ACTION_TYPES.join(", ")}, got ${JSON.stringify(d.action_type)}`,
      );
    }
    const id = d.alert_id;
    if (typeof id !== "string") {
      throw new InvalidActionError(fieldName(single, i, "alert_id"), "expected a string alert id");
    }
    const pos = queuePosition(world, position, id, single, i);
    if (codes[pos] >= 0) {
      throw new InvalidActionError(
        fieldName(single, i, "alert_id"),
        `alert ${id} already has a decision in this step`,
      );
    }
    codes[pos] = code;
    if (code === INVESTIGATE) investigations++;
  }
  checkBudget(investigations, world, single ? "action_type" : "decisions");
  for (let i = 0; i < n; i++) if (codes[i] < 0) codes[i] = DELAY;
}

/** The queue position of alert `id` (`position` must be filled for this tick's queue). */
function queuePosition(
  world: World,
  position: Int32Array,
  id: string,
  single: boolean,
  i: number,
): number {
  const a = alertIndex(id);
  if (a < 0 || a >= world.alertCount) {
    throw new InvalidActionError(
      fieldName(single, i, "alert_id"),
      `unknown alert id ${JSON.stringify(id)}`,
    );
  }
  // One message for every alert that has left the queue, whatever became of it: how it left
  // (ignored, self-resolved, expired, ...) would name its hidden class.
  if (world.aOutcome[a] === PENDING) {
    const pos = position[a];
    if (pos < world.queueLength && world.queue[pos] === a) return pos;
  }
  throw new InvalidActionError(fieldName(single, i, "alert_id"), `alert ${id} is not queued`);
}
