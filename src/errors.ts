/**
 * Typed errors of the environment contract. Each names the offending field and the reason, so
 * that a server can turn it into a 4xx response and a script can print something useful.
 *
 * @example
 * ```ts
 * import { InvalidActionError } from "./errors.ts";
 * const err = new InvalidActionError("decisions[0].alert_id", "unknown alert id \"A99\"");
 * console.assert(err.message.includes("decisions[0].alert_id"));
 * ```
 *
 * @module
 */

/** An action was rejected; the episode is exactly as it was before the call. */
export class InvalidActionError extends Error {
  /** Dotted path of the offending field, e.g. `decisions[2].alert_id`. */
  readonly field: string;
  /** Why the value was rejected, in a sentence. */
  readonly reason: string;

  /** Creates the error; the message is `field: reason`. */
  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = "InvalidActionError";
    this.field = field;
    this.reason = reason;
  }
}

/** `step()` was called when no episode is running (before `reset()` or after it ended). */
export class EpisodeNotRunningError extends Error {
  /** Creates the error with a message that says what to do. */
  constructor(message: string) {
    super(message);
    this.name = "EpisodeNotRunningError";
  }
}
