/**
 * Zod schemas of the request bodies, shaped like OpenEnv's `ResetRequest` / `StepRequest`
 * (extra keys allowed), plus the parsers that turn a zod failure into a 422 {@link HttpError}.
 * They are also what the OpenAPI document shows.
 *
 * @example
 * ```ts
 * import { parseResetBody } from "./request_schemas.ts";
 * console.assert(parseResetBody({ seed: "7", task_id: "hard" }).seed === 7);
 * ```
 *
 * @module
 */
import { z } from "zod";
import { MAX_SEED } from "../rng.ts";
import { ActionSchema } from "../schemas.ts";
import type { AlertStreamSource, ReplayWindowBody } from "./alert_source.ts";
import { isObject } from "./body.ts";
import { HttpError, type Loc, unprocessable, zodDetail } from "./http_errors.ts";

/** Pattern of a client-chosen session id. */
export const SESSION_ID_PATTERN: RegExp = /^[A-Za-z0-9._:-]{1,128}$/;

const sessionId = z.string().regex(SESSION_ID_PATTERN).describe(
  "Session to act on (also accepted as header `X-Session-Id`); omitted: the default session",
);
const agentLabel = z.string().min(1).max(64).describe(
  "Name of the agent playing, the `agent` label of the score metrics (default `anonymous`)",
);

/** Seed as accepted on the wire: an integer, or a string of digits (pydantic's lax mode). */
const seed = z.union([z.int().min(0).max(MAX_SEED), z.string().regex(/^[0-9]{1,16}$/), z.null()])
  .describe("Seed of the episode; the same seed and actions replay the same trajectory");

/** Most recorded alerts one replay reset may ask for. */
export const MAX_REPLAY_ALERTS = 10_000;

const time = z.union([z.int().min(0), z.string().max(64)]).refine(
  (t) => typeof t === "number" || Number.isFinite(Date.parse(t)),
  { message: "Input should be an ISO 8601 time or epoch milliseconds" },
);

const source = z.enum(["synthetic", "replay", "mixed"]).nullable().describe(
  "Where the episode's alerts come from: `synthetic` (default, also when omitted: a later " +
    "reset without `source` goes back to synthetic), `replay` (only the real alerts recorded " +
    "by `/ingest/*`, bucketed into ticks by time; 409 if none) or `mixed` (recorded alerts on " +
    "top of the synthetic stream)",
);

const replayWindow = z.object({
  since: time.optional().describe("Only alerts received at or after this time"),
  until: time.optional().describe("Only alerts received before this time"),
  limit: z.int().min(1).max(MAX_REPLAY_ALERTS).optional().describe(
    "At most this many alerts (default 1000): the first after `since`, else the latest",
  ),
  tick_ms: z.int().min(1).max(7 * 86_400_000).optional().describe(
    "Wall-clock length of one tick, ms (default: the window's span over the horizon, >= 60000)",
  ),
}).strict().describe("Which recorded alerts a `replay` or `mixed` episode plays");

const resetBody = z.object({
  seed: seed.optional(),
  episode_id: z.union([z.string().max(255), z.null()]).optional().describe(
    "Name of the episode (default: generated)",
  ),
  task_id: z.union([z.string().max(64), z.null()]).optional().describe(
    "Task to play (`easy`, `medium`, `hard`); omitted: the session's current task",
  ),
  session_id: sessionId.optional(),
  agent: agentLabel.optional(),
  source: source.optional(),
  replay: replayWindow.optional(),
}).loose();

const seedResetBody = z.object({
  seed: seed.optional(),
  episode_id: z.union([z.string().max(255), z.null()]).optional(),
  session_id: sessionId.optional(),
  agent: agentLabel.optional(),
  source: source.optional(),
  replay: replayWindow.optional(),
}).loose();

const stepBody = z.object({
  action: z.record(z.string(), z.unknown()).describe("The action (see `/schema`)"),
  timeout_s: z.union([z.number().gt(0), z.null()]).optional().describe("Accepted, unused"),
  request_id: z.union([z.string().max(255), z.null()]).optional().describe("Accepted, unused"),
  session_id: sessionId.optional(),
}).loose();

const stepBodyDoc = z.object({
  action: ActionSchema,
  timeout_s: z.number().gt(0).optional(),
  request_id: z.string().max(255).optional(),
  session_id: sessionId.optional(),
});

/** Body of `POST /reset` (all optional; extra keys are ignored). */
export const ResetBodySchema: z.ZodType = resetBody;
/** Body of `POST /env/reset/{task_id}`. */
export const SeedResetBodySchema: z.ZodType = seedResetBody;
/** Body of `POST /step` and `POST /env/step` (extra keys are ignored). */
export const StepBodySchema: z.ZodType = stepBody;
/** The step body as documented (the action with its full schema). */
export const StepBodyDocSchema: z.ZodType = stepBodyDoc;

/** Reset parameters after validation. */
export interface ResetParams {
  /** Seed, if given. */
  seed?: number;
  /** Episode name, if given. */
  episode_id?: string;
  /** Task, if given. */
  task_id?: string;
  /** Session id, if given in the body. */
  session_id?: string;
  /** Agent label, if given. */
  agent?: string;
  /** Alert source, if given (omitted: `synthetic`). */
  source?: AlertStreamSource;
  /** Recorded window of a `replay` or `mixed` episode. */
  replay?: ReplayWindowBody;
}

function fail(issues: readonly z.core.$ZodIssue[], prefix: Loc): never {
  throw new HttpError(422, zodDetail(issues as never, prefix), "validation");
}

function toSeed(raw: number | string | null | undefined, loc: Loc): number | undefined {
  if (raw === null || raw === undefined) return undefined;
  const value = typeof raw === "string" ? Number(raw) : raw;
  if (!Number.isSafeInteger(value)) {
    throw unprocessable(loc, `Input should be an integer in 0..${MAX_SEED}`, "less_than_equal");
  }
  return value;
}

/**
 * Validates a reset body (`undefined` = empty body = `{}`); throws a 422 {@link HttpError}
 * whose locs start with `prefix`.
 */
export function parseResetBody(body: unknown, prefix: Loc = ["body"]): ResetParams {
  return resetParams(body, prefix, true);
}

/** {@link parseResetBody} by the zod schema alone (the reference of its fast path). */
export function zodResetBody(body: unknown, prefix: Loc = ["body"]): ResetParams {
  return resetParams(body, prefix, false);
}

type ResetFields = z.infer<typeof resetBody>;

/** A string of at most `max` UTF-16 units, null or absent (what `z.string().max()` counts). */
function optionalText(value: unknown, max: number): boolean {
  return value === undefined || value === null ||
    (typeof value === "string" && value.length <= max);
}

/**
 * The common reset body (`seed` as a number, `task_id`, `episode_id`: nothing else) without
 * zod, or null for anything else (then zod decides). Accepts only bodies the schema certainly
 * accepts, whose fields zod passes through unchanged. `tests/server/request_bodies_test.ts` checks
 * both agree.
 */
function plainResetFields(body: Record<string, unknown>): ResetFields | null {
  if (Object.getPrototypeOf(body) !== Object.prototype) return null;
  for (const key in body) {
    if (key !== "seed" && key !== "task_id" && key !== "episode_id") return null;
  }
  const seed = body.seed;
  if (
    seed !== undefined && seed !== null &&
    !(typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0 && seed <= MAX_SEED)
  ) {
    return null;
  }
  if (!optionalText(body.task_id, 64) || !optionalText(body.episode_id, 255)) return null;
  return body as ResetFields;
}

function resetParams(body: unknown, prefix: Loc, fast: boolean): ResetParams {
  if (body === undefined) return {};
  if (!isObject(body)) {
    throw unprocessable(
      prefix,
      "Input should be a valid dictionary or object to extract fields from",
      "model_attributes_type",
    );
  }
  let d = fast ? plainResetFields(body) : null;
  if (d === null) {
    const parsed = resetBody.safeParse(body, { reportInput: true });
    if (!parsed.success) fail(parsed.error.issues, prefix);
    d = parsed.data;
  }
  const src = d.source ?? undefined;
  if (d.replay !== undefined && (src === undefined || src === "synthetic")) {
    throw unprocessable(
      [...prefix, "replay"],
      'replay applies only to source "replay" or "mixed"',
      "value_error",
    );
  }
  const { since, until } = d.replay ?? {};
  if (since !== undefined && until !== undefined && timeMs(until) <= timeMs(since)) {
    throw unprocessable([...prefix, "replay", "until"], "until must be later than since");
  }
  return {
    seed: toSeed(d.seed, [...prefix, "seed"]),
    episode_id: d.episode_id ?? undefined,
    task_id: d.task_id ?? undefined,
    session_id: d.session_id,
    agent: d.agent,
    ...(src === undefined ? {} : { source: src }),
    ...(d.replay === undefined ? {} : { replay: d.replay }),
  };
}

function timeMs(t: number | string): number {
  return typeof t === "number" ? t : Date.parse(t);
}

/** A parsed step body: the (not yet validated) action and the session id. */
export interface StepBody {
  /** The action, to be validated by the session. */
  action: unknown;
  /** The body's `session_id`, if any. */
  session_id?: string;
}

/** Whether a value is an object literal as `JSON.parse` makes them, without a `__proto__` key. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null &&
    Object.getPrototypeOf(value) === Object.prototype && !Object.hasOwn(value, "__proto__");
}

/**
 * The common step body (`{"action": {...}}`, maybe with a well-formed `session_id`) without
 * zod, or null for anything else (then {@link parseStepBody} asks zod). Accepts only bodies the
 * schema certainly accepts, and answers what it would: the same keys and values (zod's record
 * is a copy of `action`, this is `action` itself: nothing downstream mutates it).
 * `tests/server/request_bodies_test.ts` checks both agree.
 */
export function plainStepBody(body: unknown): StepBody | null {
  if (!isPlainRecord(body)) return null;
  let action: unknown, sessionId: unknown, keys = 0;
  for (const key in body) {
    if (key === "action") action = body.action;
    else if (key === "session_id") sessionId = body.session_id;
    else return null;
    keys++;
  }
  if (!isPlainRecord(action)) return null;
  if (sessionId === undefined) return keys === 1 ? { action, session_id: undefined } : null;
  if (typeof sessionId !== "string" || !SESSION_ID_PATTERN.test(sessionId)) return null;
  return { action, session_id: sessionId };
}

/** Validates a step body; returns the (not yet validated) action and the session id. */
export function parseStepBody(body: unknown): StepBody {
  return plainStepBody(body) ?? zodStepBody(body);
}

/** {@link parseStepBody} by the zod schema alone (the reference of the fast path). */
export function zodStepBody(body: unknown): StepBody {
  if (body === undefined) throw unprocessable(["body"], "Field required", "missing");
  if (!isObject(body)) {
    throw unprocessable(
      ["body"],
      "Input should be a valid dictionary or object to extract fields from",
      "model_attributes_type",
    );
  }
  const parsed = stepBody.safeParse(body, { reportInput: true });
  if (!parsed.success) fail(parsed.error.issues, ["body"]);
  return { action: parsed.data.action, session_id: parsed.data.session_id };
}
