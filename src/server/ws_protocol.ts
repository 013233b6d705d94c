/**
 * OpenEnv's `/ws` protocol, transport-free: one text frame in, at most one reply out, plus
 * whether to close the socket. Frames are `{"type": "reset"|"step"|"state"|"close"|"mcp",
 * "data": ...}` (a step's `data` is the action itself); replies are `observation`, `state`,
 * `mcp` or `error` frames whose codes (`INVALID_JSON`, `UNKNOWN_TYPE`, `VALIDATION_ERROR`,
 * `EXECUTION_ERROR`, `SESSION_ERROR`) and close behaviour match openenv-core 0.3.0. A reset with a
 * `replay`/`mixed` `source` reads the ingest store, so its outcome is a promise (the socket
 * layer keeps the frames of a connection in order); nothing recorded to replay and an
 * unavailable store are `EXECUTION_ERROR`s with `status` 409 / 503.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { SessionStore } from "./session_store.ts";
 * import { handleOpenEnvFrame } from "./ws_protocol.ts";
 * const store = new SessionStore({ maxSessions: 4, sessionIdleSeconds: 0, defaultTask: "easy",
 *   now: () => 0 }, new Metrics());
 * const session = store.create("ws");
 * const out = await handleOpenEnvFrame('{"type":"reset","data":{"seed":1}}', session, store);
 * console.assert(out.reply?.startsWith('{"type":"observation"'));
 * ```
 *
 * @module
 */
import { EpisodeNotRunningError, InvalidActionError } from "../errors.ts";
import { UnknownTaskError } from "../../tasks/registry.ts";
import { sourceFailure } from "./alert_source.ts";
import { describe, isObject } from "./body.ts";
import { actionDetail, type DetailItem, errorLabel, HttpError } from "./http_errors.ts";
import { handleJsonRpc, isMcpStepAction, type McpStepResult, mcpStepResult } from "./mcp.ts";
import type { Metrics } from "./metrics.ts";
import { parseResetBody } from "./request_schemas.ts";
import type { Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";
import { openenvResult } from "./wire.ts";

/** What to do after a frame. */
export interface FrameOutcome {
  /** Frame to send back, if any (text, or binary for `/ws/vector`). */
  reply?: string | Uint8Array;
  /** Close the socket (code 1000) after sending the reply. */
  close?: boolean;
}

/** An OpenEnv error frame. */
export function errorFrame(code: string, message: string, extra: object = {}): string {
  return JSON.stringify({ type: "error", data: { message, code, ...extra } });
}

function validationError(errors: DetailItem[], metrics: Metrics): FrameOutcome {
  metrics.recordError("validation");
  const first = errors[0];
  const where = first && first.loc.length ? `${first.loc.join(".")}: ` : "";
  const message = first ? `Invalid message: ${where}${first.msg}` : "Invalid message";
  return { reply: errorFrame("VALIDATION_ERROR", message, { errors }) };
}

/** Detail items for top-level keys a message type does not allow. */
function extraKeys(frame: Record<string, unknown>, allowed: readonly string[]): DetailItem[] {
  return Object.keys(frame).filter((k) => !allowed.includes(k)).map((k) => ({
    type: "extra_forbidden",
    loc: [k],
    msg: "Extra inputs are not permitted",
  }));
}

function dataProblem(frame: Record<string, unknown>, required: boolean): DetailItem[] {
  if (!("data" in frame)) {
    return required ? [{ type: "missing", loc: ["data"], msg: "Field required" }] : [];
  }
  return isObject(frame.data)
    ? []
    : [{ type: "dict_type", loc: ["data"], msg: "Input should be a valid dictionary" }];
}

/**
 * Whether a frame is `{type, data}` and nothing else, `data` an object: the common frame, with
 * none of the problems {@link extraKeys} and {@link dataProblem} look for.
 */
function isTypeAndObject(frame: Record<string, unknown>): boolean {
  let keys = 0;
  for (const key in frame) {
    if (key !== "type" && key !== "data") return false;
    keys++;
  }
  return keys === 2 && isObject(frame.data);
}

/** Handles one frame of an OpenEnv `/ws` session (a promise for a replay/mixed reset). */
export function handleOpenEnvFrame(
  raw: unknown,
  session: Session,
  store: SessionStore,
): FrameOutcome | Promise<FrameOutcome> {
  const metrics = store.metrics;
  if (typeof raw !== "string") {
    metrics.recordError("session_error");
    return {
      reply: errorFrame("SESSION_ERROR", "Binary frames are not supported; send JSON text"),
      close: true,
    };
  }
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch (err) {
    metrics.recordError("invalid_json");
    const reason = err instanceof SyntaxError ? err.message : "too deeply nested";
    return { reply: errorFrame("INVALID_JSON", `Invalid JSON: ${reason}`) };
  }
  if (!isObject(frame)) {
    metrics.recordError("session_error");
    const kind = Array.isArray(frame) ? "list" : frame === null ? "null" : typeof frame;
    return {
      reply: errorFrame("SESSION_ERROR", `Expected a JSON object frame, got ${kind}`),
      close: true,
    };
  }
  store.touch(session);
  const type = frame.type;
  try {
    switch (type) {
      case "reset": {
        const problems = [...extraKeys(frame, ["type", "data"]), ...dataProblem(frame, false)];
        if (problems.length) return validationError(problems, metrics);
        const params = parseResetBody(frame.data ?? {}, []);
        const pending = store.prepareEpisode(session, params);
        if (!pending) return { reply: observationFrame(openenvResult(session.reset(params))) };
        return pending.then(
          (env) => ({ reply: observationFrame(openenvResult(session.reset(params, env))) }),
          (err) => executionError(err, metrics),
        );
      }
      case "step": {
        if (!isTypeAndObject(frame)) {
          const problems = [...extraKeys(frame, ["type", "data"]), ...dataProblem(frame, true)];
          if (problems.length) return validationError(problems, metrics);
        }
        if (isMcpStepAction(frame.data)) {
          // openenv-core's MCPToolClient: tool listing and calls as steps (no episode needed)
          const result = mcpStepResult(frame.data, { store, wsSession: session });
          const reply = (r: McpStepResult) => ({ reply: observationFrame(r) });
          return result instanceof Promise ? result.then(reply) : reply(result);
        }
        return { reply: observationFrame(openenvResult(session.step(frame.data))) };
      }
      case "state": {
        const problems = extraKeys(frame, ["type"]);
        if (problems.length) return validationError(problems, metrics);
        return { reply: JSON.stringify({ type: "state", data: session.state() }) };
      }
      case "close": {
        const problems = extraKeys(frame, ["type"]);
        if (problems.length) return validationError(problems, metrics);
        return { close: true };
      }
      case "mcp": {
        const problems = [...extraKeys(frame, ["type", "data"]), ...dataProblem(frame, true)];
        if (problems.length) return validationError(problems, metrics);
        const data = handleJsonRpc(frame.data, { store, wsSession: session });
        const mcpFrame = (d: unknown) => ({ reply: JSON.stringify({ type: "mcp", data: d }) });
        return data instanceof Promise ? data.then(mcpFrame) : mcpFrame(data);
      }
      default:
        metrics.recordError("unknown_type");
        return {
          reply: errorFrame("UNKNOWN_TYPE", `Unknown message type: ${describe(type)}`),
        };
    }
  } catch (err) {
    if (err instanceof InvalidActionError) return validationError(actionDetail(err, []), metrics);
    if (err instanceof HttpError && Array.isArray(err.detail)) {
      return validationError(err.detail, metrics);
    }
    return executionError(err, metrics);
  }
}

/** The EXECUTION_ERROR frame of a failed reset or step (rethrows anything else). */
function executionError(err: unknown, metrics: Metrics): FrameOutcome {
  if (err instanceof UnknownTaskError || err instanceof EpisodeNotRunningError) {
    metrics.recordError(errorLabel(err));
    return { reply: errorFrame("EXECUTION_ERROR", err.message) };
  }
  const failure = sourceFailure(err);
  if (failure) {
    metrics.recordError(failure.label);
    return { reply: errorFrame("EXECUTION_ERROR", failure.message, { status: failure.status }) };
  }
  throw err;
}

/**
 * `JSON.stringify({type: "observation", data})`, with the data serialised on its own (no
 * wrapper object to build and walk).
 */
function observationFrame(data: object): string {
  return `{"type":"observation","data":${JSON.stringify(data)}}`;
}
