/**
 * Configuration of the ingest endpoints and their store, read from `ALERT_TRIAGE_*` environment
 * variables.
 *
 * | variable                               | default             | meaning                                   |
 * | -------------------------------------- | ------------------- | ----------------------------------------- |
 * | `ALERT_TRIAGE_KV_PATH`                 | `./data/ingest.kv`  | Deno KV path, `:memory:`, or a remote URL |
 * | `ALERT_TRIAGE_INGEST_TOKEN`            | (none: open)        | ingest token (bearer / PagerDuty routing key) |
 * | `ALERT_TRIAGE_INGEST_HMAC_SECRET`      | (none: no check)    | HMAC-SHA256 secret of the signatures      |
 * | `ALERT_TRIAGE_INGEST_MAX_BACKLOG`      | `100000`            | most OPEN alerts stored at once (429 past)|
 * | `ALERT_TRIAGE_INGEST_MAX_BODY_BYTES`   | `1048576`           | largest accepted body (413 past)          |
 * | `ALERT_TRIAGE_INGEST_RETRY_AFTER`      | `30`                | `Retry-After` seconds of a 429            |
 *
 * @example
 * ```ts
 * import { ingestConfigFromEnv } from "./ingest_config.ts";
 * const c = ingestConfigFromEnv((n) => n === "ALERT_TRIAGE_INGEST_MAX_BACKLOG" ? "10" : undefined);
 * console.assert(c.maxBacklog === 10 && c.token === undefined);
 * ```
 *
 * @module
 */
import { numberVar } from "../env_vars.ts";

/** Ingest settings. */
export interface IngestConfig {
  /** Deno KV location: a file path, `:memory:`, or a remote `https://` KV URL. */
  kvPath: string;
  /**
   * The ingest token: `Authorization: Bearer <token>`, or a PagerDuty event's `routing_key` on
   * the PagerDuty routes (see `auth.ts`; with neither this nor `hmacSecret`, ingest is open).
   */
  token?: string;
  /** Secret of the HMAC signatures (`X-Signature`, Grafana's `X-Grafana-Alerting-Signature`). */
  hmacSecret?: string;
  /** Most open (firing or acknowledged) alerts stored at once. */
  maxBacklog: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** `Retry-After` of a 429, in seconds. */
  retryAfterSeconds: number;
  /** Refused requests are logged as one summary line per this many ms (default 10000). */
  rejectionLogIntervalMs?: number;
}

/** Default KV file. */
export const DEFAULT_KV_PATH = "./data/ingest.kv";

/** The defaults (no token, no HMAC). */
export const DEFAULT_INGEST_CONFIG: Readonly<IngestConfig> = {
  kvPath: DEFAULT_KV_PATH,
  maxBacklog: 100_000,
  maxBodyBytes: 1024 * 1024,
  retryAfterSeconds: 30,
};

/** Names of the environment variables read by {@link ingestConfigFromEnv}. */
export const INGEST_ENV_VARS = {
  kvPath: "ALERT_TRIAGE_KV_PATH",
  token: "ALERT_TRIAGE_INGEST_TOKEN",
  hmacSecret: "ALERT_TRIAGE_INGEST_HMAC_SECRET",
  maxBacklog: "ALERT_TRIAGE_INGEST_MAX_BACKLOG",
  maxBodyBytes: "ALERT_TRIAGE_INGEST_MAX_BODY_BYTES",
  retryAfterSeconds: "ALERT_TRIAGE_INGEST_RETRY_AFTER",
} as const;

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: defaults
  }
}

/**
 * Settings from the environment over {@link DEFAULT_INGEST_CONFIG}; throws a `RangeError` naming
 * the variable on a malformed number. Empty token/secret values count as unset.
 *
 * @example
 * ```ts
 * import { ingestConfigFromEnv } from "./ingest_config.ts";
 * console.assert(ingestConfigFromEnv(() => undefined).kvPath === "./data/ingest.kv");
 * ```
 */
export function ingestConfigFromEnv(
  get: (name: string) => string | undefined = safeEnv,
): IngestConfig {
  const v = INGEST_ENV_VARS;
  return {
    kvPath: get(v.kvPath)?.trim() || DEFAULT_KV_PATH,
    token: get(v.token) || undefined,
    hmacSecret: get(v.hmacSecret) || undefined,
    maxBacklog: numberVar(get, v.maxBacklog, DEFAULT_INGEST_CONFIG.maxBacklog, 1, true),
    maxBodyBytes: numberVar(get, v.maxBodyBytes, DEFAULT_INGEST_CONFIG.maxBodyBytes, 1024, true),
    retryAfterSeconds: numberVar(
      get,
      v.retryAfterSeconds,
      DEFAULT_INGEST_CONFIG.retryAfterSeconds,
      1,
      true,
    ),
  };
}
