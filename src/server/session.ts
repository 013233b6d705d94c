/**
 * One session: an environment, the task it plays, the agent label its scores are filed under,
 * and the error of the last rejected action (reported in the next observation). Every transport
 * (HTTP, MCP, WebSocket) drives episodes through {@link Session.reset} and {@link Session.step},
 * so a seed and a sequence of actions give the same trajectory on all of them.
 *
 * {@link Session.state} is the state as the wire shows it: the hidden truth (alert classes,
 * incidents, the dependency graph) is `null` while an episode runs — a remote agent must not be
 * able to read it — and complete once the episode has ended, unless the session was created
 * with `exposeTruth` (debugging).
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { Session } from "./session.ts";
 * const s = new Session("demo", "http", "easy", new Metrics(), 0);
 * const first = s.reset({ seed: 3 });
 * console.assert(first.reward === null && s.running);
 * ```
 *
 * @module
 */
import type { AlertTriageEnv } from "../env.ts";
import { EpisodeNotRunningError, InvalidActionError } from "../errors.ts";
import type { State } from "../models.ts";
import type { AlertStreamSource } from "../sim/replay_world.ts";
import { gradeEpisode, makeEnv } from "../../tasks/registry.ts";
import { toWireScore } from "../../tasks/task.ts";
import { checkAction } from "./fast_action.ts";
import type { Metrics } from "./metrics.ts";
import type { ResetParams } from "./request_schemas.ts";
import { resetTransition, stepTransition, type Transition } from "./wire.ts";

/** Which transport owns a session. */
export type Transport = "http" | "ws";

/** Options of a {@link Session}. */
export interface SessionOptions {
  /** Report the hidden truth while an episode runs (default false: only once it ended). */
  exposeTruth?: boolean;
}

/** Agent label of sessions that never named one. */
export const ANONYMOUS_AGENT = "anonymous";

/** An environment plus what the server remembers about its episodes. */
export class Session {
  /** Session id. */
  readonly id: string;
  /** Owning transport (HTTP sessions serve HTTP and MCP; WebSocket ones their socket). */
  readonly transport: Transport;
  /** Label of the agent playing (the `agent` label of the score metrics). */
  agent: string = ANONYMOUS_AGENT;
  /** Last time the session was used (milliseconds of the store's clock). */
  lastActive: number;
  /** Called once when the store drops the session (expiry or close). */
  onClose: (() => void) | null = null;
  /**
   * The secret a client must present (`X-Session-Token`) to use this session, or null when
   * none is needed (the shared `default` session; WebSocket sessions, owned by their socket).
   */
  token: string | null = null;
  /** Who created the session (the client's address), for the per-client cap. */
  client = "";
  /**
   * The `Authorization` header of the WebSocket upgrade that opened the session (the ingest
   * token of its `replay`/`mixed` resets), or null.
   */
  authorization: string | null = null;
  #env: AlertTriageEnv;
  #pendingError: string | null = null;
  #episodes = 0;
  #running = false;
  #source: AlertStreamSource = "synthetic";
  #closers: (() => void)[] = [];
  readonly #metrics: Metrics;
  readonly #exposeTruth: boolean;

  /** Creates a session playing `task` (no episode running yet). */
  constructor(
    id: string,
    transport: Transport,
    task: string,
    metrics: Metrics,
    now: number,
    options: SessionOptions = {},
  ) {
    this.id = id;
    this.transport = transport;
    this.#env = makeEnv(task);
    this.#metrics = metrics;
    this.lastActive = now;
    this.#exposeTruth = options.exposeTruth ?? false;
  }

  /** The environment (for in-process inspection). */
  get env(): AlertTriageEnv {
    return this.#env;
  }

  /** Task being played. */
  get taskId(): string {
    return this.#env.taskId;
  }

  /** Where the alerts of the current (or last) episode come from. */
  get source(): AlertStreamSource {
    return this.#source;
  }

  /** Whether an episode is running. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Starts an episode. A `task_id` different from the current one builds a new environment
   * for it; an unknown one throws UnknownTaskError before anything changes. A `replay` or
   * `mixed` source plays `prebuilt` (the environment `prepareEpisode` built from the ingest
   * store); a reset without `source` is synthetic again, on a fresh environment if the last
   * episode was not.
   */
  reset(params: ResetParams, prebuilt?: AlertTriageEnv): Transition {
    const source = params.source ?? "synthetic";
    if (source !== "synthetic" && !prebuilt) {
      throw new TypeError(`a ${source} reset needs its environment prebuilt (prepareEpisode)`);
    }
    const task = prebuilt?.taskId ?? params.task_id ?? this.#env.taskId;
    const reuse = task === this.#env.taskId && this.#source === "synthetic";
    const env = prebuilt ?? (reuse ? this.#env : makeEnv(task));
    const options = params.episode_id === undefined ? undefined : { episode_id: params.episode_id };
    const result = env.reset({ seed: params.seed, options });
    this.#env = env;
    this.#source = source;
    this.#running = true;
    this.#episodes++;
    if (params.agent !== undefined) this.agent = params.agent;
    this.#pendingError = null;
    this.#metrics.recordReset(task);
    return resetTransition(result);
  }

  /**
   * Validates and applies an action. Throws InvalidActionError (remembered for the next
   * observation's `last_action_error`) or EpisodeNotRunningError, the episode unchanged.
   */
  step(raw: unknown): Transition {
    const t0 = performance.now();
    if (!this.#running) {
      throw new EpisodeNotRunningError(
        this.#episodes === 0
          ? "No episode is running; call reset() first"
          : "The episode has ended; call reset() to start a new one",
      );
    }
    let result;
    try {
      result = this.#env.step(checkAction(raw));
    } catch (err) {
      if (err instanceof InvalidActionError) this.#pendingError = err.message;
      throw err;
    }
    const error = this.#pendingError;
    this.#pendingError = null;
    let grade = null;
    if (result.terminated || result.truncated) {
      this.#running = false;
      grade = gradeEpisode(this.#env);
      this.#metrics.recordEpisode(
        this.#env.taskId,
        this.agent,
        toWireScore(grade.score),
        grade.success,
      );
    }
    const t = stepTransition(result, error, grade);
    this.#metrics.recordStep(this.#env.taskId, (performance.now() - t0) / 1000);
    return t;
  }

  /**
   * The state as the wire shows it: episode id, step count, task, seed, done, total reward, and
   * the hidden truth — `null` while the episode runs (unless `exposeTruth`), complete once it has
   * ended. The environment itself (`env.state()`) always has the truth, for in-process use.
   */
  state(): State {
    const state = this.#env.state();
    return this.#running && !this.#exposeTruth ? { ...state, truth: null } : state;
  }

  /**
   * Registers `closer` to run once when the session is closed (whatever ends it: the socket
   * closing, idle expiry, eviction, shutdown): a transport frees what it holds for the session
   * (a sharded vector session's worker shards).
   */
  addCloser(closer: () => void): void {
    this.#closers.push(closer);
  }

  /** Ends the episode and runs the closers. */
  close(): void {
    this.#running = false;
    this.#env.close();
    const closers = this.#closers;
    this.#closers = [];
    for (const closer of closers) closer();
  }
}
