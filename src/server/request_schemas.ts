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
}).loose();

const seedResetBody = z.object({
  seed: seed.optional(),
  episode_id: z.union([z.string().max(255), z.null()]).optional(),
  session_id: sessionId.optional(),
  agent: agentLabel.optional(),
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
  if (body === undefined) return {};
  if (!isObject(body)) {
    throw unprocessable(
      prefix,
      "Input should be a valid dictionary or object to extract fields from",
      "model_attributes_type",
    );
  }
  const parsed = resetBody.safeParse(body, { reportInput: true });
  if (!parsed.success) fail(parsed.error.issues, prefix);
  const d = parsed.data;
  return {
    seed: toSeed(d.seed, [...prefix, "seed"]),
    episode_id: d.episode_id ?? undefined,
    task_id: d.task_id ?? undefined,
    session_id: d.session_id,
    agent: d.agent,
  };
}

/** Validates a step body; returns the (not yet validated) action and the session id. */
export function parseStepBody(body: unknown): { action: unknown; session_id?: string } {
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
