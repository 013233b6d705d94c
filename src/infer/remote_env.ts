/**
 * A client for an alert-triage server speaking the OpenEnv HTTP protocol: `POST /reset`
 * (`{seed, task_id}`) and `POST /step` (`{"action": {...}}`), both answering
 * `{observation, reward, done}`. When an episode ends, the server's final observation carries
 * `task_score` (a number, or an object with `score`), which {@link RemoteEpisodeEnv.score} reads.
 *
 * Sessions: a client that sends no session id plays the server's default session. If the server
 * hands one out (an `X-Session-Id` response header, or a cookie), it is sent back on every
 * following request, with the session's secret `X-Session-Token` when the server answered one
 * (alert-triage does on the reset that creates a named session; other clients' requests on that
 * session are refused without it).
 *
 * @example
 * ```ts
 * import { RemoteEpisodeEnv } from "./remote_env.ts";
 * const env = new RemoteEpisodeEnv("http://127.0.0.1:8000");
 * let observation = await env.reset("hard", 42);
 * for (let done = false; !done;) {
 *   const step = await env.step({ decisions: [] });
 *   ({ observation, done } = step);
 * }
 * console.log(await env.score()); // { score: 0.41 } (the server's task_score)
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import type { AgentContext } from "../agents/agent.ts";
import { z } from "../deps.ts";
import type { Action, Observation } from "../models.ts";
import { ObservationSchema } from "../schemas.ts";
import {
  ActionRejectedError,
  type EpisodeEnv,
  type EpisodeScore,
  type EpisodeStep,
} from "./episode_env.ts";

/** A reply of `/reset` or `/step` on the OpenEnv wire. */
export interface WireResult {
  /** The observation, with any extra fields the server adds (e.g. `task_score`). */
  observation: Record<string, unknown>;
  /** The step's reward (null after reset). */
  reward: number | null;
  /** Whether the episode ended. */
  done: boolean;
}

const WireResultSchema = z.object({
  observation: z.record(z.string(), z.unknown()),
  reward: z.union([z.number(), z.null()]).optional(),
  done: z.boolean().optional(),
});

/** The server answered with an error status or a body that is not the OpenEnv shape. */
export class RemoteEnvError extends AlertTriageError {
  /** HTTP status (0 for network errors and timeouts). */
  readonly status: number;
  /** Creates the error. */
  constructor(status: number, message: string) {
    super(message, "REMOTE_ENV", "failed");
    this.name = "RemoteEnvError";
    this.status = status;
  }
}

/** Options of {@link RemoteEnv}. */
export interface RemoteEnvOptions {
  /** Timeout of one HTTP request, ms (default 30 s). */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** The plain OpenEnv HTTP client: `reset(body)` and `step(action)`. */
export class RemoteEnv {
  /** Server base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;
  #sessionId: string | null = null;
  #sessionToken: string | null = null;
  #cookie: string | null = null;

  /** Creates the client for a server URL (e.g. `http://127.0.0.1:8000`). */
  constructor(baseUrl: string, options: RemoteEnvOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#headers = options.headers ?? {};
  }

  /** `POST /reset` with the given body (e.g. `{seed, task_id}`). */
  reset(body: Record<string, unknown> = {}): Promise<WireResult> {
    return this.#post("/reset", body);
  }

  /** `POST /step` with `{"action": action}`. */
  step(action: Action): Promise<WireResult> {
    return this.#post("/step", { action });
  }

  async #post(path: string, body: unknown): Promise<WireResult> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      ...this.#headers,
    };
    if (this.#sessionId) headers["x-session-id"] = this.#sessionId;
    if (this.#sessionToken) headers["x-session-token"] = this.#sessionToken;
    if (this.#cookie) headers.cookie = this.#cookie;
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      const what = e instanceof DOMException && e.name === "TimeoutError"
        ? `timed out after ${this.#timeoutMs} ms`
        : e instanceof Error
        ? e.message
        : String(e);
      throw new RemoteEnvError(0, `POST ${path}: ${what}`);
    }
    const id = response.headers.get("x-session-id");
    if (id !== null && id !== this.#sessionId) this.#sessionToken = null; // a different session
    this.#sessionId = id ?? this.#sessionId;
    this.#sessionToken = response.headers.get("x-session-token") ?? this.#sessionToken;
    const cookie = response.headers.get("set-cookie");
    if (cookie) this.#cookie = cookie.split(";")[0];
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const detail = json && typeof json === "object" && "detail" in json
        ? JSON.stringify((json as { detail: unknown }).detail)
        : text;
      throw new RemoteEnvError(
        response.status,
        `POST ${path}: HTTP ${response.status}: ${detail.slice(0, 500)}`,
      );
    }
    const parsed = WireResultSchema.safeParse(json);
    if (!parsed.success) {
      throw new RemoteEnvError(
        response.status,
        `POST ${path}: not an OpenEnv reply {observation, reward, done}: ${text.slice(0, 200)}`,
      );
    }
    return {
      observation: parsed.data.observation,
      reward: parsed.data.reward ?? null,
      done: parsed.data.done ?? false,
    };
  }
}

/** The alert-triage fields of a wire observation, validated with the zod schema. */
export function toObservation(wire: Record<string, unknown>): Observation {
  const keys = [
    "alerts",
    "system_load",
    "queue_length",
    "time_remaining",
    "investigation_budget",
    "escalations_pending",
    "tick",
  ] as const;
  const picked = Object.fromEntries(keys.map((k) => [k, wire[k]]));
  const parsed = ObservationSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RemoteEnvError(0, `observation.${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * `task_score` of a final observation: a number (with the observation's `success` flag, if
 * any), or an object with a numeric `score` (and maybe `success`).
 */
export function readTaskScore(wire: Record<string, unknown>): EpisodeScore | null {
  const t = wire.task_score;
  if (typeof t === "number" && Number.isFinite(t)) {
    return typeof wire.success === "boolean" ? { score: t, success: wire.success } : { score: t };
  }
  if (t && typeof t === "object") {
    const o = t as Record<string, unknown>;
    if (typeof o.score === "number" && Number.isFinite(o.score)) {
      return typeof o.success === "boolean"
        ? { score: o.score, success: o.success }
        : { score: o.score };
    }
  }
  return null;
}

/** A remote server as an {@link EpisodeEnv} for the inference runner. */
export class RemoteEpisodeEnv implements EpisodeEnv {
  /** Always `remote`. */
  readonly mode = "remote" as const;
  /** The HTTP client. */
  readonly client: RemoteEnv;
  #last: Record<string, unknown> | null = null;

  /** Creates the environment for a server URL. */
  constructor(baseUrl: string, options: RemoteEnvOptions = {}) {
    this.client = new RemoteEnv(baseUrl, options);
  }

  /** `POST /reset {seed, task_id}`. */
  async reset(taskId: string, seed: number): Promise<Observation> {
    const r = await this.client.reset({ seed, task_id: taskId });
    this.#last = r.observation;
    return toObservation(r.observation);
  }

  /** `POST /step`; a 422 (action refused, episode unchanged) is an {@link ActionRejectedError}. */
  async step(action: Action): Promise<EpisodeStep> {
    let r: WireResult;
    try {
      r = await this.client.step(action);
    } catch (e) {
      if (e instanceof RemoteEnvError && e.status === 422) throw new ActionRejectedError(e.message);
      throw e;
    }
    this.#last = r.observation;
    return { observation: toObservation(r.observation), reward: r.reward ?? 0, done: r.done };
  }

  /** The `task_score` of the last observation, or null if the server sent none. */
  score(): Promise<EpisodeScore | null> {
    return Promise.resolve(this.#last ? readTaskScore(this.#last) : null);
  }

  /** Remote agents get no hidden state. */
  context(): AgentContext {
    return {
      state: () => {
        throw new Error("the environment state is not available in remote mode");
      },
    };
  }

  /** Nothing to release (HTTP is request/response). */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
