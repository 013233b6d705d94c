/**
 * An agent that asks an OpenAI-compatible chat endpoint (npm:openai) for each tick's decisions.
 *
 * Every reply is parsed robustly and validated with the zod schemas and against the observation
 * ({@link readReply}). Whenever no usable reply can be had — malformed JSON, a refusal, an HTTP
 * error, a timeout, a 429 whose `Retry-After` is too long, the run's time limit reached — the
 * agent plays the **safe default: the rule-based baseline's decision for that tick**
 * ({@link RuleBasedAgent}), and counts why in {@link LlmStats}. It never throws from `act`.
 *
 * Structured outputs: each request asks for the tick's reply JSON Schema (derived from the zod
 * schemas, `llm_response_format.ts`) in the configured `responseFormat` mode; an endpoint that
 * rejects the mode ({@link isFormatRejection}) is asked again at once with the next one, down to
 * plain prompting, and {@link LlmAgent.responseFormat} tells which mode is in use.
 *
 * Requests are bounded: a per-request timeout, at most `maxRetries` retries with exponential
 * backoff (capped, with seeded jitter) on timeouts, network errors, 408/409/429/5xx, honouring
 * `Retry-After` on 429, and a total time limit for the whole run after which no request is made.
 * 401/403/404 (bad key, unknown model) switch the model off for the rest of the run, and so do
 * `maxConsecutiveFailures` failed ticks in a row.
 *
 * Configuration: {@link LlmConfig} over {@link DEFAULT_LLM_CONFIG}. `llmConfigFromEnv` in
 * `src/infer/llm_config.ts` reads it from `API_BASE_URL`, `MODEL_NAME`, the key from `API_KEY`,
 * `OPENAI_API_KEY` or `HF_TOKEN` (first set wins; never printed) and the `LLM_*` variables.
 *
 * @example
 * ```ts
 * import { LlmAgent } from "./llm.ts";
 * import { llmConfigFromEnv } from "../infer/llm_config.ts";
 * import { getTask, makeEnv } from "../../tasks/registry.ts";
 *
 * const agent = new LlmAgent({ ...llmConfigFromEnv(), timeoutMs: 10_000 });
 * agent.setTask(getTask("easy"));
 * const env = makeEnv("easy");
 * const { observation } = env.reset({ seed: 7 });
 * agent.reset(7);
 * const action = await agent.act(observation); // the model's decisions, or the rule baseline's
 * env.step(action);
 * console.log(agent.stats.llm_actions, agent.stats.fallbacks);
 * ```
 *
 * @module
 */
import OpenAI from "openai";
import type { Action, Observation } from "../models.ts";
import { Rng } from "../rng.ts";
import type { Task } from "../../tasks/task.ts";
import type { Agent } from "./agent.ts";
import {
  buildSystemPrompt,
  extractJson,
  formatObservation,
  looksLikeRefusal,
  validateReply,
} from "./llm_prompt.ts";
import {
  isSchemaValidReply,
  nextResponseFormat,
  replySchemaFor,
  responseFormatBody,
  type ResponseFormatMode,
} from "./llm_response_format.ts";
import { emptyLlmStats, type FallbackReason, type LlmStats } from "./llm_stats.ts";
import { RuleBasedAgent } from "./rule_based.ts";

export { emptyLlmStats, type FallbackReason, type LlmStats } from "./llm_stats.ts";
export type { ResponseFormatMode } from "./llm_response_format.ts";

/** Default chat endpoint (Hugging Face's OpenAI-compatible router). */
export const DEFAULT_API_BASE_URL = "https://router.huggingface.co/v1";
/** Default model. */
export const DEFAULT_MODEL_NAME = "Qwen/Qwen2.5-72B-Instruct";

/** Configuration of {@link LlmAgent}. */
export interface LlmConfig {
  /** OpenAI-compatible base URL (ending in `/v1`). */
  baseUrl: string;
  /** Model name sent with each request. */
  model: string;
  /** API key; undefined sends a placeholder (for endpoints that need none). */
  apiKey?: string;
  /** Timeout of one HTTP request, ms. */
  timeoutMs: number;
  /** Retries after the first attempt of a tick's request. */
  maxRetries: number;
  /** First backoff delay, ms (doubled per retry). */
  backoffBaseMs: number;
  /** Largest backoff delay, ms. */
  backoffCapMs: number;
  /** Longest `Retry-After` waited in place; longer ones pause the model until then. */
  retryAfterCapMs: number;
  /** Total time the agent may spend on the model from its construction, ms. */
  timeLimitMs: number;
  /** `max_tokens` of each completion. */
  maxTokens: number;
  /** Sampling temperature. */
  temperature: number;
  /**
   * How to ask for structured output (`llm_response_format.ts`): `json_schema` (OpenAI's
   * structured outputs with the reply's JSON Schema), `json_object_schema` (llama.cpp's
   * `json_object` + `schema`), `json_object` (any JSON) or `plain` (the prompt alone). An
   * endpoint that rejects the mode is asked with the next one, down to `plain`.
   */
  responseFormat: ResponseFormatMode;
  /** Failed ticks in a row (timeouts, HTTP errors) after which the model is switched off. */
  maxConsecutiveFailures: number;
}

/** Defaults of everything but the endpoint, the model and the key. */
export const DEFAULT_LLM_CONFIG: LlmConfig = {
  baseUrl: DEFAULT_API_BASE_URL,
  model: DEFAULT_MODEL_NAME,
  timeoutMs: 30_000,
  maxRetries: 2,
  backoffBaseMs: 500,
  backoffCapMs: 8_000,
  retryAfterCapMs: 30_000,
  timeLimitMs: 18 * 60_000,
  maxTokens: 1024,
  temperature: 0,
  responseFormat: "json_schema",
  maxConsecutiveFailures: 8,
};

/**
 * Whether an HTTP error answers a request's `response_format` (so a weaker mode may work): a 422
 * (the request's shape was refused, as FastAPI validation answers), a 400 whose message names
 * the response format, JSON, a schema or a grammar, or a 500 whose message names
 * `response_format` (llama-cpp-python's server answers an unknown `type` with a 500 carrying the
 * validation error).
 */
export function isFormatRejection(status: number, message: string): boolean {
  if (status === 422) return true;
  if (status === 400) return /response_format|json|schema|grammar|structured/i.test(message);
  return status === 500 && /response_format/i.test(message);
}

/** Parses `Retry-After` / `retry-after-ms` into ms (undefined if absent or unreadable). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const ra = headers?.get("retry-after")?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return Number(ra) * 1000;
  const at = Date.parse(ra);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

type Attempt =
  | { ok: true; text: string; refusal: boolean }
  | { ok: false; reason: FallbackReason; detail: string };

/** A request's attempt, whether to retry it (after `retryAfter`), or to ask again at once. */
interface Outcome {
  attempt: Attempt;
  retryable: boolean;
  retryAfter?: number;
  askAgain?: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The LLM baseline agent. One instance can play many episodes and tasks. */
export class LlmAgent implements Agent {
  /** Agent name. */
  readonly name: string = "llm";
  /** The configuration in use (the key is kept private). */
  readonly config: Readonly<Omit<LlmConfig, "apiKey">>;
  /** Counters since construction. */
  readonly stats: LlmStats = emptyLlmStats();
  /** What happened on the last tick: `llm`, `empty`, or the fallback reason and its detail. */
  lastOutcome: { source: "llm" | "empty" | FallbackReason; detail?: string } = { source: "empty" };
  /** Why the model was switched off for the rest of the run, or null. */
  disabledReason: string | null = null;
  readonly #client: OpenAI;
  readonly #fallback = new RuleBasedAgent();
  readonly #deadline: number;
  readonly #log: (message: string) => void;
  #rng = new Rng(0);
  #system = buildSystemPrompt();
  #format: ResponseFormatMode;
  #blockedUntil = 0;
  #failuresInARow = 0;

  /**
   * Creates the agent. `log` receives one-line diagnostics (default: stderr); the key never
   * appears in them.
   */
  constructor(config: Partial<LlmConfig> = {}, log?: (message: string) => void) {
    const { apiKey, ...rest } = { ...DEFAULT_LLM_CONFIG, ...config };
    this.config = rest;
    this.#format = rest.responseFormat;
    this.#deadline = Date.now() + rest.timeLimitMs;
    this.#log = log ?? ((m) => console.error(`[DEBUG] llm: ${m}`));
    this.#client = new OpenAI({
      apiKey: apiKey ?? "no-key",
      baseURL: rest.baseUrl,
      maxRetries: 0,
      timeout: rest.timeoutMs,
    });
  }

  /**
   * The `response_format` mode in use: the configured one, or a weaker one after the endpoint
   * rejected it (see `llm_response_format.ts`).
   */
  get responseFormat(): ResponseFormatMode {
    return this.#format;
  }

  /** Sets the task whose rules the system prompt explains (undefined: a generic prompt). */
  setTask(task: Task | undefined): void {
    this.#system = buildSystemPrompt(task);
  }

  /** Reseeds the backoff jitter for an episode. */
  reset(seed: number): void {
    this.#rng = new Rng(seed);
  }

  /** The tick's decisions from the model, or the rule baseline's when none can be had. */
  async act(observation: Observation): Promise<Action> {
    this.stats.ticks++;
    if (observation.alerts.length === 0) {
      this.stats.empty_ticks++;
      this.lastOutcome = { source: "empty" };
      return { decisions: [] };
    }
    const now = Date.now();
    if (this.disabledReason) return this.#fallbackTo(observation, "disabled_skips", "");
    if (now >= this.#deadline) return this.#fallbackTo(observation, "deadline_skips", "");
    if (now < this.#blockedUntil) {
      return this.#fallbackTo(observation, "rate_limited", "waiting for Retry-After");
    }
    const reply = await this.#complete(observation);
    if (!reply.ok) {
      if (reply.reason === "api_errors" || reply.reason === "timeouts") {
        if (++this.#failuresInARow >= this.config.maxConsecutiveFailures && !this.disabledReason) {
          this.#disable(`${this.#failuresInARow} failed ticks in a row`);
        }
      }
      return this.#fallbackTo(observation, reply.reason, reply.detail);
    }
    this.#failuresInARow = 0;
    this.stats.replies++;
    if (reply.refusal) return this.#fallbackTo(observation, "refusals", "refusal");
    let value: unknown;
    try {
      value = extractJson(reply.text);
    } catch (e) {
      const reason = looksLikeRefusal(reply.text) ? "refusals" : "parse_errors";
      return this.#fallbackTo(observation, reason, e instanceof Error ? e.message : String(e));
    }
    this.stats.parsed_replies++;
    if (isSchemaValidReply(value, observation)) this.stats.schema_valid_replies++;
    try {
      const { action, dropped } = validateReply(value, observation);
      this.stats.dropped_decisions += dropped.length;
      if (dropped.length) {
        this.#log(`dropped ${dropped.length} decision(s): ${dropped.map((d) => d.reason)[0]}`);
      }
      this.stats.llm_actions++;
      this.lastOutcome = { source: "llm" };
      return action;
    } catch (e) {
      // InvalidReplyError: a wrong shape, or no valid decision (anything else counts the same)
      const detail = e instanceof Error ? e.message : String(e);
      return this.#fallbackTo(observation, "invalid_replies", detail);
    }
  }

  #fallbackTo(observation: Observation, reason: FallbackReason, detail: string): Action {
    this.stats.fallbacks++;
    this.stats[reason]++;
    this.lastOutcome = { source: reason, detail };
    if (detail) this.#log(`tick ${observation.tick}: fallback (${reason}): ${detail}`);
    return this.#fallback.act(observation);
  }

  #disable(reason: string): void {
    this.disabledReason = reason;
    this.#log(`model switched off for the rest of the run: ${reason}`);
  }

  /** One tick's request with bounded retries. */
  async #complete(observation: Observation): Promise<Attempt> {
    const c = this.config;
    const user = formatObservation(observation);
    const schema = replySchemaFor(observation);
    let last: Attempt = { ok: false, reason: "api_errors", detail: "no attempt" };
    for (let attempt = 0;;) {
      const remaining = this.#deadline - Date.now();
      if (remaining <= 0) return { ok: false, reason: "deadline_skips", detail: "time limit" };
      const result = await this.#request(user, schema, Math.min(c.timeoutMs, remaining));
      if (result.attempt.ok) return result.attempt;
      last = result.attempt;
      // A rejected response_format is asked again at once with the next mode; not a retry (the
      // modes run out after three rejections).
      if (result.askAgain) continue;
      if (!result.retryable || attempt === c.maxRetries) break;
      // A Retry-After longer than the cap is honoured by pausing the model (see #classify).
      if (result.retryAfter !== undefined && result.retryAfter > c.retryAfterCapMs) break;
      const delay = result.retryAfter ??
        Math.min(c.backoffCapMs, c.backoffBaseMs * 2 ** attempt) * (1 - 0.25 * this.#rng.float());
      if (Date.now() + delay >= this.#deadline) break;
      await sleep(delay);
      attempt++;
      this.stats.retries++;
    }
    return last;
  }

  /** One HTTP request, classified. */
  async #request(
    user: string,
    schema: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<Outcome> {
    const c = this.config;
    this.stats.requests++;
    const started = Date.now();
    const responseFormat = responseFormatBody(this.#format, schema);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const completion = await this.#client.chat.completions.create({
        model: c.model,
        messages: [{ role: "system", content: this.#system }, { role: "user", content: user }],
        temperature: c.temperature,
        max_tokens: c.maxTokens,
        // A wider shape than the SDK's types: llama.cpp's `json_object` carries a `schema`.
        ...(responseFormat ? { response_format: responseFormat as { type: "json_object" } } : {}),
      }, { signal: controller.signal, timeout: timeoutMs, maxRetries: 0 });
      this.stats.prompt_tokens += completion.usage?.prompt_tokens ?? 0;
      this.stats.completion_tokens += completion.usage?.completion_tokens ?? 0;
      const choice = completion.choices?.[0];
      if (!choice?.message) {
        return {
          attempt: { ok: false, reason: "api_errors", detail: "response without choices" },
          retryable: false,
        };
      }
      const refusal = !!choice.message.refusal || choice.finish_reason === "content_filter";
      return {
        attempt: { ok: true, text: choice.message.content ?? "", refusal },
        retryable: false,
      };
    } catch (e) {
      return this.#classify(e, timedOut, responseFormat !== undefined);
    } finally {
      clearTimeout(timer);
      this.stats.request_ms += Date.now() - started;
    }
  }

  #classify(
    e: unknown,
    timedOut: boolean,
    sentFormat: boolean,
  ): Outcome {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ").slice(0, 200);
    if (timedOut || e instanceof OpenAI.APIConnectionTimeoutError) {
      this.stats.request_timeouts++;
      return {
        attempt: { ok: false, reason: "timeouts", detail: "request timed out" },
        retryable: true,
      };
    }
    if (e instanceof OpenAI.APIError && typeof e.status === "number") {
      const status = e.status;
      const detail = `HTTP ${status}: ${message}`;
      if (status === 429) {
        this.stats.http_429++;
        const retryAfter = retryAfterMs(e.headers as Headers | undefined);
        // No request before the server's Retry-After, whether this tick waits for it or not.
        if (retryAfter !== undefined) this.#blockedUntil = Date.now() + retryAfter;
        return {
          attempt: { ok: false, reason: "rate_limited", detail },
          retryable: true,
          retryAfter,
        };
      }
      if (status >= 500) this.stats.http_5xx++;
      if (sentFormat && isFormatRejection(status, message)) {
        const rejected = this.#format;
        this.#format = nextResponseFormat(rejected);
        this.stats.format_rejections++;
        this.#log(
          `the endpoint rejected response_format ${rejected} (${detail}); asking with ${this.#format}`,
        );
        return {
          attempt: { ok: false, reason: "api_errors", detail },
          retryable: true,
          askAgain: true,
        };
      }
      if (status === 401 || status === 403 || status === 404) this.#disable(detail);
      const retryable = status === 408 || status === 409 || status >= 500;
      return { attempt: { ok: false, reason: "api_errors", detail }, retryable };
    }
    // Network errors (connection refused, reset) are worth a retry; anything else is not.
    const retryable = e instanceof OpenAI.APIConnectionError;
    return { attempt: { ok: false, reason: "api_errors", detail: message }, retryable };
  }
}
