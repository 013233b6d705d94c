/**
 * The counters of {@link LlmAgent}: why ticks fell back to the rule baseline, what the replies
 * were worth (received, parsed as JSON, exactly schema-valid), what the requests cost (tokens,
 * milliseconds), and how often the endpoint rejected a `response_format`.
 *
 * @example
 * ```ts
 * import { emptyLlmStats } from "./llm_stats.ts";
 * const stats = emptyLlmStats();
 * stats.ticks++;
 * console.log(stats.ticks, stats.fallbacks, stats.schema_valid_replies); // 1 0 0
 * ```
 *
 * @module
 */

/** Why a tick fell back to the rule baseline. */
export type FallbackReason =
  | "parse_errors"
  | "invalid_replies"
  | "refusals"
  | "api_errors"
  | "timeouts"
  | "rate_limited"
  | "deadline_skips"
  | "disabled_skips";

/** The eight fallback reasons. */
export const FALLBACK_REASONS: readonly FallbackReason[] = [
  "parse_errors",
  "invalid_replies",
  "refusals",
  "api_errors",
  "timeouts",
  "rate_limited",
  "deadline_skips",
  "disabled_skips",
];

/**
 * Counters of an {@link LlmAgent}. Tick level: `ticks = empty_ticks + llm_actions + fallbacks`,
 * and `fallbacks` is the sum of the eight reasons. Reply level:
 * `schema_valid_replies <= parsed_replies <= replies`. Request level: `requests`, `retries`,
 * `http_429`, `http_5xx`, `request_timeouts`, `format_rejections`, tokens and `request_ms`.
 */
export interface LlmStats extends Record<FallbackReason, number> {
  /** Calls of `act`. */
  ticks: number;
  /** Ticks with no queued alert (answered without a request). */
  empty_ticks: number;
  /** Ticks played with the model's (validated) decisions. */
  llm_actions: number;
  /** Ticks played with the rule baseline's decisions. */
  fallbacks: number;
  /** Decisions dropped from otherwise valid replies (unknown id, duplicate, over budget). */
  dropped_decisions: number;
  /** Completions received with a message (one per tick that got an answer). */
  replies: number;
  /** Replies that carried a JSON value (after stripping fences, prose and reasoning). */
  parsed_replies: number;
  /**
   * Replies whose JSON matched the tick's reply schema exactly, without any repair: only
   * `{"decisions":[{"alert_id","action_type"}]}`, ids of the tick, one decision per alert.
   */
  schema_valid_replies: number;
  /** HTTP requests sent (first attempts and retries). */
  requests: number;
  /** Retries sent. */
  retries: number;
  /** Responses with status 429. */
  http_429: number;
  /** Responses with a 5xx status. */
  http_5xx: number;
  /** Requests that timed out. */
  request_timeouts: number;
  /** Requests whose `response_format` the endpoint rejected (then asked with the next mode). */
  format_rejections: number;
  /** Prompt tokens reported by the endpoint. */
  prompt_tokens: number;
  /** Completion tokens reported by the endpoint. */
  completion_tokens: number;
  /** Wall time spent in requests, ms (backoff waits excluded). */
  request_ms: number;
}

/** All-zero {@link LlmStats}. */
export function emptyLlmStats(): LlmStats {
  const keys = [
    ...["ticks", "empty_ticks", "llm_actions", "fallbacks", ...FALLBACK_REASONS],
    ...["dropped_decisions", "replies", "parsed_replies", "schema_valid_replies"],
    ...["requests", "retries", "http_429", "http_5xx", "request_timeouts", "format_rejections"],
    ...["prompt_tokens", "completion_tokens", "request_ms"],
  ];
  return Object.fromEntries(keys.map((k) => [k, 0])) as unknown as LlmStats;
}
