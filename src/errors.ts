/**
 * The error family of the project. Every error class extends {@link AlertTriageError}, which
 * carries a stable machine-readable {@link AlertTriageError.code | code} (`INVALID_ACTION`,
 * `UNKNOWN_TASK`, ...) and the {@link ErrorKind | kind} of failure, so that a transport maps an
 * error to its answer (an HTTP status, a WebSocket or JSON-RPC error) by class, code or kind,
 * never by reading the message. Each error keeps its own `name`, and names the offending field
 * and the reason, so that a script can print something useful.
 *
 * This module also holds the two errors of the environment contract: {@link InvalidActionError}
 * and {@link EpisodeNotRunningError}.
 *
 * @example
 * ```ts
 * import { AlertTriageError, InvalidActionError } from "./errors.ts";
 * const err = new InvalidActionError("decisions[0].alert_id", "unknown alert id \"A99\"");
 * console.assert(err.message.includes("decisions[0].alert_id"));
 * console.assert(err instanceof AlertTriageError && err.code === "INVALID_ACTION");
 * console.assert(err.kind === "invalid_input" && err.name === "InvalidActionError");
 * ```
 *
 * @module
 */

/**
 * What kind of failure an error is, which decides how a transport reports it:
 *
 * | kind            | meaning                                              | HTTP |
 * | --------------- | ---------------------------------------------------- | ---- |
 * | `invalid_input` | a value, request, file or command line was rejected  | 4xx  |
 * | `not_found`     | the named thing (task, agent, session) does not exist | 404  |
 * | `forbidden`     | the thing belongs to someone else (a session token)  | 403  |
 * | `conflict`      | not possible in the current state (no episode, ...)  | 409  |
 * | `overloaded`    | a bound is reached; retry later                      | 429  |
 * | `unavailable`   | a needed resource cannot be used (store, capacity)   | 503  |
 * | `failed`        | an operation failed (an agent threw, a remote error) | 5xx  |
 */
export type ErrorKind =
  | "invalid_input"
  | "not_found"
  | "forbidden"
  | "conflict"
  | "overloaded"
  | "unavailable"
  | "failed";

/** The base of every error of the project: a message, a stable `code` and a `kind`. */
export class AlertTriageError extends Error {
  /** Stable machine-readable identifier of the error (`UPPER_SNAKE_CASE`). */
  readonly code: string;
  /** What kind of failure it is (see {@link ErrorKind}). */
  readonly kind: ErrorKind;

  /** Creates the error; `options.cause` is the underlying error, if any. */
  constructor(message: string, code: string, kind: ErrorKind, options?: ErrorOptions) {
    super(message, options);
    this.name = "AlertTriageError";
    this.code = code;
    this.kind = kind;
  }
}

/** An action was rejected; the episode is exactly as it was before the call. */
export class InvalidActionError extends AlertTriageError {
  /** Dotted path of the offending field, e.g. `decisions[2].alert_id`. */
  readonly field: string;
  /** Why the value was rejected, in a sentence. */
  readonly reason: string;

  /** Creates the error; the message is `field: reason`. */
  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`, "INVALID_ACTION", "invalid_input");
    this.name = "InvalidActionError";
    this.field = field;
    this.reason = reason;
  }
}

/** `step()` was called when no episode is running (before `reset()` or after it ended). */
export class EpisodeNotRunningError extends AlertTriageError {
  /** Creates the error with a message that says what to do. */
  constructor(message: string) {
    super(message, "EPISODE_NOT_RUNNING", "conflict");
    this.name = "EpisodeNotRunningError";
  }
}
