/**
 * The environment-variable contract of the LLM baseline: `API_BASE_URL` (default
 * `https://router.huggingface.co/v1`), `MODEL_NAME` (default `Qwen/Qwen2.5-72B-Instruct`), the
 * key from `API_KEY`, `OPENAI_API_KEY` or `HF_TOKEN` (first non-empty wins; never printed), and
 * `LLM_TIMEOUT_S` (per request, default 30), `LLM_MAX_RETRIES` (default 2), `LLM_TIME_LIMIT_S`
 * (all requests of a run, default 1080), `LLM_MAX_TOKENS` (default 1024),
 * `LLM_RESPONSE_FORMAT` (`json_schema` by default, `json_object_schema`, `json_object` or `plain`;
 * see `src/agents/llm_response_format.ts`) and, for older scripts, `LLM_JSON_MODE=0` (the same as
 * `LLM_RESPONSE_FORMAT=plain`).
 *
 * @example
 * ```ts
 * import { llmConfigFromEnv } from "./llm_config.ts";
 * const config = llmConfigFromEnv((name) => ({ MODEL_NAME: "my-model" })[name]);
 * console.log(config.model, config.baseUrl); // my-model https://router.huggingface.co/v1
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { DEFAULT_LLM_CONFIG, type LlmConfig } from "../agents/llm.ts";
import {
  isResponseFormatMode,
  RESPONSE_FORMATS,
  type ResponseFormatMode,
} from "../agents/llm_response_format.ts";

/** A configuration value from the environment could not be read. */
export class LlmConfigError extends AlertTriageError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, "LLM_CONFIG", "invalid_input");
    this.name = "LlmConfigError";
  }
}

/** The API key from `API_KEY`, `OPENAI_API_KEY` or `HF_TOKEN` (first non-empty wins). */
export function apiKeyFromEnv(
  get: (name: string) => string | undefined = (n) => Deno.env.get(n),
): string | undefined {
  for (const name of ["API_KEY", "OPENAI_API_KEY", "HF_TOKEN"]) {
    const v = get(name)?.trim();
    if (v) return v;
  }
  return undefined;
}

/**
 * A `response_format` mode by name (`LLM_RESPONSE_FORMAT`, `--response-format`); throws
 * {@link LlmConfigError} naming the known modes.
 */
export function parseResponseFormat(name: string, raw: string): ResponseFormatMode {
  const v = raw.trim().toLowerCase();
  if (isResponseFormatMode(v)) return v;
  throw new LlmConfigError(
    `${name} must be one of ${RESPONSE_FORMATS.join(", ")}, got ${JSON.stringify(raw)}`,
  );
}

/**
 * The configuration from environment variables over {@link DEFAULT_LLM_CONFIG}; throws
 * {@link LlmConfigError} for an unreadable number.
 */
export function llmConfigFromEnv(
  get: (name: string) => string | undefined = (n) => Deno.env.get(n),
): LlmConfig {
  const num = (name: string, fallback: number, scale = 1, min = 0): number => {
    const raw = get(name)?.trim();
    if (!raw) return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min) {
      throw new LlmConfigError(`${name} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
    }
    return Math.round(v * scale);
  };
  const d = DEFAULT_LLM_CONFIG;
  return {
    ...d,
    baseUrl: get("API_BASE_URL")?.trim() || d.baseUrl,
    model: get("MODEL_NAME")?.trim() || d.model,
    apiKey: apiKeyFromEnv(get),
    timeoutMs: num("LLM_TIMEOUT_S", d.timeoutMs, 1000, 0.001),
    maxRetries: num("LLM_MAX_RETRIES", d.maxRetries),
    timeLimitMs: num("LLM_TIME_LIMIT_S", d.timeLimitMs, 1000),
    maxTokens: num("LLM_MAX_TOKENS", d.maxTokens, 1, 1),
    responseFormat: get("LLM_RESPONSE_FORMAT")?.trim()
      ? parseResponseFormat("LLM_RESPONSE_FORMAT", get("LLM_RESPONSE_FORMAT")!)
      : ["0", "false", "no", "off"].includes(get("LLM_JSON_MODE")?.trim().toLowerCase() ?? "")
      ? "plain"
      : d.responseFormat,
  };
}
