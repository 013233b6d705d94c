/**
 * What every command in `cli/` shares: the error of a bad command line ({@link UsageError}), the
 * exit codes, and how an error becomes the text printed for it. Library code never throws
 * {@link UsageError}; the commands' parsers do, and each command prints it with its usage text
 * and exits with {@link EXIT_USAGE}.
 *
 * @example
 * ```ts
 * import { errorMessage, EXIT_USAGE, UsageError } from "./_usage.ts";
 * const usage = "Usage: deno task example [--flag]";
 * try {
 *   throw new UsageError("unknown flag --nope");
 * } catch (e) {
 *   console.error(`${errorMessage(e)}\n\n${usage}`);
 *   console.assert(e instanceof UsageError && EXIT_USAGE === 2);
 * }
 * ```
 *
 * @module
 */

import { AlertTriageError } from "../src/errors.ts";
import { optionsFromEnv, type ServerOptions } from "../src/server/server_config.ts";

/** Exit code of a command that did its work. */
export const EXIT_OK = 0;
/** Exit code of a command that failed while working (or found a disagreement). */
export const EXIT_FAILURE = 1;
/** Exit code of a bad command line (and of unreadable input, where a command says so). */
export const EXIT_USAGE = 2;

/** A bad command line: the command prints the message with its usage and exits with 2. */
export class UsageError extends AlertTriageError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, "USAGE", "invalid_input");
    this.name = "UsageError";
  }
}

/** The text printed for a thrown value: an error's message, anything else as a string. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The server's options from the `ALERT_TRIAGE_*` variables (`optionsFromEnv`), or, for a bad
 * value, its message on stderr (the variable, the value, what is allowed; no stack trace) and
 * exit {@link EXIT_USAGE}: what every server command starts with.
 */
export function serverOptionsOrExit(): ServerOptions {
  try {
    return optionsFromEnv();
  } catch (err) {
    console.error(`alert-triage: ${errorMessage(err)}`);
    Deno.exit(EXIT_USAGE);
  }
}
