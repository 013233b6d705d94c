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
  /** The alert store's status and open backlog, for `GET /health` (never opens the store). */
  ingestHealth(): Promise<IngestHealth>;
}

/** The alert store's part of `GET /health`. */
export interface IngestHealth {
  /**
   * `open`; `not_opened` (opened lazily, on the first `/ingest/*` request or replay reset);
   * `unavailable` (opening failed, e.g. no read/write permission, or the store was closed).
   */
  ingest_store: "open" | "not_opened" | "unavailable";
  /** Open alerts in the store (the ingest backlog); null when the store is not open. */
  queue_size: number | null;
}
