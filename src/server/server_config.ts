/**
 * Server configuration: the options of {@link createApp} and how they are read from environment
 * variables (`ALERT_TRIAGE_*`) by the `deno serve` entry point.
 *
 * @example
 * ```ts
 * import { optionsFromEnv } from "./server_config.ts";
 * const options = optionsFromEnv((name) => name === "ALERT_TRIAGE_MAX_SESSIONS" ? "8" : undefined);
 * console.assert(options.maxSessions === 8);
 * ```
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };
import type { IngestAppOptions } from "../ingest/routes.ts";
import { TASK_IDS } from "../../tasks/registry.ts";
import { numberVar } from "../env_vars.ts";

/** Package version, from deno.json (also the OpenAPI `info.version`). */
export const VERSION: string = denoJson.version;

/** Environment name reported by `/metadata` and `openenv.yaml`. */
export const ENV_NAME: string = "alert_triage";

/** One-paragraph description reported by `/metadata`. */
export const ENV_DESCRIPTION: string =
  "IT alert triage and incident response: agents see a noisy stream of alerts and must " +
  "INVESTIGATE, IGNORE, ESCALATE or DELAY each one under a per-tick investigation budget, " +
  "while hidden correlations turn neglected critical alerts into cascading failures.";

/** Options of the server. */
export interface ServerOptions {
  /**
   * Most sessions alive at once (HTTP, MCP and WebSocket together; the shared `default`
   * session has a reserved slot besides).
   */
  maxSessions: number;
  /** Most sessions one client address holds at once (at most `maxSessions`). */
  maxSessionsPerClient: number;
  /**
   * At a cap, the least recently used session idle for at least this many seconds is evicted
   * to make room (0: any); otherwise the new session is refused with a 503 whose `Retry-After`
   * says when one will be evictable.
   */
  evictIdleSeconds: number;
  /** Sessions untouched for this long are closed, in seconds (0 disables expiry). */
  sessionIdleSeconds: number;
  /** Largest request body accepted, in bytes (also the largest WebSocket frame). */
  maxBodyBytes: number;
  /**
   * Time a client has to send a whole request body, in seconds; a slower one gets a 408 and
   * its connection is closed.
   */
  bodyTimeoutSeconds: number;
  /**
   * Time a request has to get its first answer byte, in seconds (a slow or unfinished request
   * head or body: the connection is dropped). Enforced by the connection guard
   * (`conn_guard.ts`, used by `deno task start` and the compiled server).
   */
  requestTimeoutSeconds: number;
  /** An HTTP connection idle (no bytes either way) for this long is closed (the guard's). */
  keepAliveTimeoutSeconds: number;
  /**
   * Most bytes of replies a WebSocket may leave unread (queued at the server) before the server
   * closes it with code 1008.
   */
  maxWsBufferedBytes: number;
  /** Task played by a new session until a reset names another. */
  defaultTask: string;
  /** Seeds of the rule-baseline episodes per task in the `/metrics` JSON comparison. */
  baselineEpisodes: number;
  /** Milliseconds clock (injectable for tests of idle expiry). */
  now: () => number;
  /**
   * Report the hidden truth in the state while an episode runs (for debugging only: a remote
   * agent could read it). Off: `truth` is null until the episode has ended.
   */
  exposeTruth: boolean;
  /**
   * The `/ingest/*` sub-app and the alert store that replay resets read: `store` (default: the
   * process-wide store of `ALERT_TRIAGE_KV_PATH`, opened on first use), `config` over the
   * `ALERT_TRIAGE_INGEST_*` variables, and `log` (default: silent; `cli/server.ts` logs to stdout).
   */
  ingest?: IngestAppOptions;
  /**
   * Vector workers: Worker threads, shared by all `/ws/vector` sessions, over which a session
   * of at least `SHARD_MIN_ENVS` environments (of a built-in task) is split, its replies byte
   * for byte those of an unsharded one. 0: none, every session on the server's thread.
   */
  vectorWorkers: number;
  /**
   * Most environments all open `/ws/vector` sessions hold together (a hard environment holds
   * ~30 KB); an `open` beyond it is refused with `CAPACITY_REACHED`.
   */
  maxVectorEnvs: number;
}

/**
 * The defaults: 256 sessions, 64 per client address, LRU eviction after 60 s idle at a cap,
 * 10 minutes idle expiry, 1 MiB bodies and frames, 10 s to send a body, 20 s to get a request
 * answered, 30 s idle keep-alive, 1 MiB of unread
 * WebSocket replies, task `easy`, hidden truth withheld while an episode runs.
 */
export const DEFAULT_OPTIONS: Readonly<ServerOptions> = {
  maxSessions: 256,
  maxSessionsPerClient: 64,
  evictIdleSeconds: 60,
  sessionIdleSeconds: 600,
  maxBodyBytes: 1024 * 1024,
  bodyTimeoutSeconds: 10,
  requestTimeoutSeconds: 20,
  keepAliveTimeoutSeconds: 30,
  maxWsBufferedBytes: 1024 * 1024,
  defaultTask: "easy",
  baselineEpisodes: 20,
  now: () => performance.timeOrigin + performance.now(),
  exposeTruth: false,
  vectorWorkers: 0,
  maxVectorEnvs: 16_384,
};

/** Names of the environment variables read by {@link optionsFromEnv}. */
export const ENV_VARS = {
  maxSessions: "ALERT_TRIAGE_MAX_SESSIONS",
  maxSessionsPerClient: "ALERT_TRIAGE_MAX_SESSIONS_PER_CLIENT",
  evictIdleSeconds: "ALERT_TRIAGE_EVICT_IDLE_SECONDS",
  sessionIdleSeconds: "ALERT_TRIAGE_SESSION_IDLE_SECONDS",
  maxBodyBytes: "ALERT_TRIAGE_MAX_BODY_BYTES",
  bodyTimeoutSeconds: "ALERT_TRIAGE_BODY_TIMEOUT_SECONDS",
  requestTimeoutSeconds: "ALERT_TRIAGE_REQUEST_TIMEOUT_SECONDS",
  keepAliveTimeoutSeconds: "ALERT_TRIAGE_KEEP_ALIVE_TIMEOUT_SECONDS",
  maxWsBufferedBytes: "ALERT_TRIAGE_MAX_WS_BUFFERED_BYTES",
  defaultTask: "ALERT_TRIAGE_DEFAULT_TASK",
  baselineEpisodes: "ALERT_TRIAGE_BASELINE_EPISODES",
  exposeTruth: "ALERT_TRIAGE_EXPOSE_TRUTH",
  vectorWorkers: "ALERT_TRIAGE_VECTOR_WORKERS",
  maxVectorEnvs: "ALERT_TRIAGE_MAX_VECTOR_ENVS",
} as const;

/** Most vector workers {@link vectorWorkersVar} accepts. */
export const MAX_VECTOR_WORKERS = 64;

/**
 * The number of vector workers in `ALERT_TRIAGE_VECTOR_WORKERS` (via `get`): unset, empty or
 * `0` for none, a whole number 1..64, or `auto` (the machine's hardware threads minus one, for
 * the server's own thread; `cores` overrides `navigator.hardwareConcurrency`). Throws a
 * RangeError naming the variable for anything else.
 *
 * @example
 * ```ts
 * import { vectorWorkersVar } from "./server_config.ts";
 * console.assert(vectorWorkersVar(() => "auto", 4) === 3 && vectorWorkersVar(() => "1") === 1);
 * ```
 */
export function vectorWorkersVar(
  get: (name: string) => string | undefined,
  cores: number = navigator.hardwareConcurrency,
): number {
  const name = ENV_VARS.vectorWorkers;
  const raw = (get(name) ?? "").trim().toLowerCase();
  if (raw === "") return 0;
  if (raw === "auto") return Math.max(0, Math.min(MAX_VECTOR_WORKERS, cores - 1));
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > MAX_VECTOR_WORKERS) {
    throw new RangeError(
      `${name} must be 0 (none), a whole number of workers up to ${MAX_VECTOR_WORKERS}, or ` +
        `auto (hardware threads - 1), got ${JSON.stringify(get(name))}`,
    );
  }
  return value;
}

function flagVar(get: (name: string) => string | undefined, name: string): boolean {
  const raw = (get(name) ?? "").trim().toLowerCase();
  if (["", "0", "false", "no", "off"].includes(raw)) return false;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  throw new RangeError(`${name} must be 1 or 0 (true/false), got ${JSON.stringify(raw)}`);
}

/**
 * Options from `ALERT_TRIAGE_*` environment variables over {@link DEFAULT_OPTIONS}; throws a
 * RangeError naming the variable for a malformed value.
 */
export function optionsFromEnv(
  get: (name: string) => string | undefined = (name) => Deno.env.get(name),
): ServerOptions {
  const defaultTask = get(ENV_VARS.defaultTask) || DEFAULT_OPTIONS.defaultTask;
  if (!TASK_IDS.includes(defaultTask)) {
    throw new RangeError(
      `${ENV_VARS.defaultTask} must be one of ${TASK_IDS.join(", ")}, got ${defaultTask}`,
    );
  }
  return {
    ...DEFAULT_OPTIONS,
    maxSessions: Math.floor(
      numberVar(get, ENV_VARS.maxSessions, DEFAULT_OPTIONS.maxSessions, 1),
    ),
    maxSessionsPerClient: Math.floor(
      numberVar(get, ENV_VARS.maxSessionsPerClient, DEFAULT_OPTIONS.maxSessionsPerClient, 1),
    ),
    evictIdleSeconds: numberVar(
      get,
      ENV_VARS.evictIdleSeconds,
      DEFAULT_OPTIONS.evictIdleSeconds,
      0,
    ),
    bodyTimeoutSeconds: numberVar(
      get,
      ENV_VARS.bodyTimeoutSeconds,
      DEFAULT_OPTIONS.bodyTimeoutSeconds,
      0.1,
    ),
    requestTimeoutSeconds: numberVar(
      get,
      ENV_VARS.requestTimeoutSeconds,
      DEFAULT_OPTIONS.requestTimeoutSeconds,
      0.1,
    ),
    keepAliveTimeoutSeconds: numberVar(
      get,
      ENV_VARS.keepAliveTimeoutSeconds,
      DEFAULT_OPTIONS.keepAliveTimeoutSeconds,
      0.1,
    ),
    maxWsBufferedBytes: Math.floor(
      numberVar(get, ENV_VARS.maxWsBufferedBytes, DEFAULT_OPTIONS.maxWsBufferedBytes, 1024),
    ),
    sessionIdleSeconds: numberVar(
      get,
      ENV_VARS.sessionIdleSeconds,
      DEFAULT_OPTIONS.sessionIdleSeconds,
      0,
    ),
    maxBodyBytes: Math.floor(
      numberVar(get, ENV_VARS.maxBodyBytes, DEFAULT_OPTIONS.maxBodyBytes, 1024),
    ),
    defaultTask,
    baselineEpisodes: Math.floor(
      numberVar(get, ENV_VARS.baselineEpisodes, DEFAULT_OPTIONS.baselineEpisodes, 1),
    ),
    exposeTruth: flagVar(get, ENV_VARS.exposeTruth),
    vectorWorkers: vectorWorkersVar(get),
    maxVectorEnvs: Math.floor(
      numberVar(get, ENV_VARS.maxVectorEnvs, DEFAULT_OPTIONS.maxVectorEnvs, 1),
    ),
  };
}
