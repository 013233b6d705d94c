/**
 * The server door (`@alert-triage/alert-triage/server`): the OpenEnv-compatible HTTP and
 * WebSocket app (`/reset`, `/step`, `/state`, `/tasks`, `/grader`, `/ws`, `/mcp`, `/ingest/*`,
 * `/docs`), built with {@link createApp} and served with `Deno.serve`, or behind the connection
 * guard ({@link serveGuarded}: request and idle keep-alive deadlines, WebSocket frame cap).
 *
 * @example
 * ```ts
 * import { createApp } from "./mod.ts";
 *
 * const server = createApp({ maxSessions: 8 });
 * const res = await server.fetch(new Request("http://localhost/reset", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ task_id: "easy", seed: 1 }),
 * }));
 * console.log(res.status, (await res.json()).observation.queue_length);
 * server.close();
 * ```
 *
 * @module
 */
export { createApp, type ServerApp } from "./app.ts";
export {
  DEFAULT_OPTIONS,
  ENV_VARS,
  optionsFromEnv,
  type ServerOptions,
  vectorWorkersVar,
  VERSION,
} from "./server_config.ts";
export { SessionStore, type SocketLimits } from "./session_store.ts";
export { type GuardedServer, type GuardOptions, serveGuarded } from "./conn_guard.ts";
export { Metrics, type ScoreStats } from "./metrics.ts";
export type { Session, Transport } from "./session.ts";
export type { ReplayWindowBody, SourceParams } from "./alert_source.ts";
export type { ResetParams } from "./request_schemas.ts";
export type { Transition } from "./wire.ts";
export { MAX_VECTOR_ENVS, SHARD_MIN_ENVS, VECTOR_FRAME_SCHEMAS } from "./ws_vector.ts";
export {
  type PoolOptions,
  type PoolStats,
  PoolWorker,
  ShardFailure,
  VectorWorkerPool,
} from "./vector_worker_pool.ts";
export { Mailbox, type MailboxLayout } from "./vector_mailbox.ts";
