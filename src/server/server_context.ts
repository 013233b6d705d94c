/**
 * What the server's route handlers share besides the request: the session store (with its
 * metrics), the rule baseline of the score comparison (computed on first use) and the
 * serialised OpenAPI document. `createApp` builds one per application.
 *
 * @example
 * ```ts
 * import type { ServerContext } from "./server_context.ts";
 * const sessions = (ctx: ServerContext) => ctx.store.counts();
 * ```
 *
 * @module
 */
import type { BaselineScore } from "./baseline.ts";
import type { SessionStore } from "./session_store.ts";

/** The dependencies of the server's route handlers. */
export interface ServerContext {
  /** Live sessions, and the metrics (`store.metrics`). */
  readonly store: SessionStore;
  /** The rule baseline's score per task (computed on the first call, then remembered). */
  baseline(): Record<string, BaselineScore>;
  /** The OpenAPI document, as served by `GET /openapi.json`. */
  readonly openApiJson: string;
}
