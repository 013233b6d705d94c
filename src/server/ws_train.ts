/**
 * The seed's `/ws/train` protocol, transport-free: flat frames
 * `{"type": "reset", "task_id": "hard", "seed": 1}`, `{"type": "step", "action": {...}}`,
 * `{"type": "state"}`, `{"type": "close"}`; replies `{"type": "reset"|"step", observation,
 * reward, done, info}` (the seed-style result, `info.task_score` at the end of an episode),
 * `{"type": "state", "state": {...}}` and `{"type": "error", "error": {code, message,
 * detail?}}` with codes `INVALID_JSON`, `VALIDATION_ERROR`, `UNKNOWN_TYPE`, `UNKNOWN_TASK`,
 * `EPISODE_NOT_RUNNING`, and for a reset with `"source": "replay"|"mixed"` (which reads the
 * ingest store, so its outcome is a promise) `NO_RECORDED_ALERTS` and `STORE_UNAVAILABLE`.
 * Errors never close the socket.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { SessionStore } from "./session_store.ts";
 * import { handleTrainFrame } from "./ws_train.ts";
 * const store = new SessionStore({ maxSessions: 4, sessionIdleSeconds: 0, defaultTask: "easy",
 *   now: () => 0 }, new Metrics());
 * const out = await handleTrainFrame('{"type":"reset","task_id":"hard","seed":1}', store.create("ws"),
 *   store);
 * console.assert(out.reply?.startsWith('{"type":"reset"'));
 * ```
 *
 * @module
 */
import { EpisodeNotRunningError, InvalidActionError } from "../errors.ts";
import { UnknownTaskError } from "../../tasks/registry.ts";
import { sourceFailure } from "./alert_source.ts";
import { describe, isObject } from "./body.ts";
import { actionDetail, type DetailItem, errorLabel, HttpError } from "./http_errors.ts";
import { parseResetBody } from "./request_schemas.ts";
import type { Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";
import type { FrameOutcome } from "./ws_protocol.ts";
import type { Metrics } from "./metrics.ts";
import { seedResult, type Transition } from "./wire.ts";

function trainError(code: string, message: string, detail?: DetailItem[]): FrameOutcome {
  return { reply: JSON.stringify({ type: "error", error: { code, message, detail } }) };
}

/** Handles one frame of a `/ws/train` session (a promise for a replay/mixed reset). */
export function handleTrainFrame(
  raw: unknown,
  session: Session,
  store: SessionStore,
): FrameOutcome | Promise<FrameOutcome> {
  const metrics = store.metrics;
  if (typeof raw !== "string") {
    metrics.recordError("invalid_json");
    return trainError("INVALID_JSON", "Binary frames are not supported; send JSON text");
  }
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch (err) {
    metrics.recordError("invalid_json");
    const reason = err instanceof SyntaxError ? err.message : "too deeply nested";
    return trainError("INVALID_JSON", `Invalid JSON: ${reason}`);
  }
  if (!isObject(frame)) {
    metrics.recordError("validation");
    return trainError("VALIDATION_ERROR", "A frame must be a JSON object with a `type`");
  }
  store.touch(session);
  try {
    switch (frame.type) {
      case "reset": {
        const { type: _type, ...rest } = frame;
        const params = parseResetBody(rest, []);
        const reply = (t: Transition) => ({
          reply: JSON.stringify({ type: "reset", ...seedResult(t) }),
        });
        const pending = store.prepareEpisode(session, params);
        if (!pending) return reply(session.reset(params));
        return pending.then(
          (env) => reply(session.reset(params, env)),
          (err) => failedFrame(err, metrics),
        );
      }
      case "step": {
        if (!("action" in frame)) {
          metrics.recordError("validation");
          return trainError("VALIDATION_ERROR", "action: Field required", [
            { type: "missing", loc: ["action"], msg: "Field required" },
          ]);
        }
        const t = session.step(frame.action);
        return { reply: JSON.stringify({ type: "step", ...seedResult(t) }) };
      }
      case "state":
        return { reply: JSON.stringify({ type: "state", state: session.state() }) };
      case "close":
        return { close: true };
      default:
        metrics.recordError("unknown_type");
        return trainError(
          "UNKNOWN_TYPE",
          `Unknown message type: ${describe(frame.type)}`,
        );
    }
  } catch (err) {
    if (err instanceof InvalidActionError) {
      metrics.recordError("validation");
      return trainError("VALIDATION_ERROR", err.message, actionDetail(err, ["action"]));
    }
    if (err instanceof HttpError && Array.isArray(err.detail)) {
      metrics.recordError("validation");
      return trainError("VALIDATION_ERROR", err.message, err.detail);
    }
    return failedFrame(err, metrics);
  }
}

/** The error frame of a failed reset or step (rethrows anything unexpected). */
function failedFrame(err: unknown, metrics: Metrics): FrameOutcome {
  if (err instanceof UnknownTaskError || err instanceof EpisodeNotRunningError) {
    metrics.recordError(errorLabel(err));
    return trainError(err.code, err.message);
  }
  const failure = sourceFailure(err);
  if (failure) {
    metrics.recordError(failure.label);
    return trainError(failure.code, failure.message);
  }
  throw err;
}
