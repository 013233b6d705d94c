/**
 * The live sessions of a server: a cap on how many exist at once, idle expiry, and the default
 * HTTP session that clients sending no session id share. Sessions live in memory, so a server
 * process must not be forked (`deno serve --parallel`); scale out with several processes behind
 * a sticky load balancer instead.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { SessionStore } from "./session_store.ts";
 * const store = new SessionStore({ maxSessions: 2, sessionIdleSeconds: 60, defaultTask: "easy",
 *   now: () => 0 }, new Metrics());
 * const s = store.create("ws");
 * console.assert(store.size === 1 && store.get(s.id) === s);
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import type { AlertTriageEnv } from "../env.ts";
import { type IngestStore, sharedIngestStore } from "../ingest/store.ts";
import { prepareEpisode, type SourceParams } from "./alert_source.ts";
import type { Metrics } from "./metrics.ts";
import { Session, type Transport } from "./session.ts";

/** Id of the session used by HTTP requests that name none. */
export const DEFAULT_SESSION_ID = "default";

/** Thrown when a new session would exceed the cap. */
export class CapacityError extends AlertTriageError {
  /** Sessions alive. */
  readonly activeSessions: number;
  /** The cap. */
  readonly maxSessions: number;
  /** Creates the error with OpenEnv's message. */
  constructor(active: number, max: number) {
    super(
      `Server at capacity: ${active}/${max} sessions active. Cannot accept new connections.`,
      "CAPACITY_REACHED",
      "unavailable",
    );
    this.name = "CapacityError";
    this.activeSessions = active;
    this.maxSessions = max;
  }
}

/** Options of a {@link SessionStore}. */
export interface StoreOptions {
  /** Most sessions alive at once. */
  maxSessions: number;
  /** Idle time after which a session is dropped, in seconds (0: never). */
  sessionIdleSeconds: number;
  /** Task of new sessions. */
  defaultTask: string;
  /** Milliseconds clock. */
  now: () => number;
  /** Report the hidden truth while an episode runs (default: only once it has ended). */
  exposeTruth?: boolean;
  /** Opens the store that `replay`/`mixed` resets read (default: the process-wide one). */
  openIngestStore?: () => Promise<IngestStore>;
}

/** Sessions by id, with a cap and idle expiry. */
export class SessionStore {
  readonly #sessions: Map<string, Session> = new Map();
  readonly #options: StoreOptions;
  readonly #metrics: Metrics;
  #lastSweep = 0;

  /** Creates an empty store. */
  constructor(options: StoreOptions, metrics: Metrics) {
    this.#options = options;
    this.#metrics = metrics;
  }

  /** Sessions alive (expired ones included until the next sweep). */
  get size(): number {
    return this.#sessions.size;
  }

  /** The metrics sessions report to. */
  get metrics(): Metrics {
    return this.#metrics;
  }

  /** The cap. */
  get maxSessions(): number {
    return this.#options.maxSessions;
  }

  /** Live sessions per transport (after dropping the expired ones). */
  counts(): Record<Transport, number> {
    this.sweep();
    const out = { http: 0, ws: 0 };
    for (const s of this.#sessions.values()) out[s.transport]++;
    return out;
  }

  /**
   * Creates a session (id: a random UUID unless given); drops expired sessions first when at
   * the cap and throws {@link CapacityError} if that frees nothing.
   */
  create(transport: Transport, id: string = crypto.randomUUID()): Session {
    if (this.#sessions.size >= this.#options.maxSessions) this.sweep(true);
    if (this.#sessions.size >= this.#options.maxSessions) {
      this.#metrics.recordError("capacity");
      throw new CapacityError(this.#sessions.size, this.#options.maxSessions);
    }
    const session = new Session(
      id,
      transport,
      this.#options.defaultTask,
      this.#metrics,
      this.#options.now(),
      { exposeTruth: this.#options.exposeTruth },
    );
    this.#sessions.set(id, session);
    return session;
  }

  /** The live session with this id (touched), or undefined if unknown or expired. */
  get(id: string): Session | undefined {
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    const now = this.#options.now();
    if (this.#expired(session, now)) {
      this.delete(id);
      return undefined;
    }
    session.lastActive = now;
    return session;
  }

  /** Marks a session as used now. */
  touch(session: Session): void {
    session.lastActive = this.#options.now();
  }

  /** Drops a session (closing its episode and calling its `onClose`); false if unknown. */
  delete(id: string): boolean {
    const session = this.#sessions.get(id);
    if (!session) return false;
    this.#sessions.delete(id);
    session.close();
    const onClose = session.onClose;
    session.onClose = null;
    onClose?.();
    return true;
  }

  /**
   * Drops every session idle for longer than the idle timeout. Cheap to call often: unless
   * `force`, it does the work at most once a second of the clock.
   */
  sweep(force = false): number {
    const now = this.#options.now();
    if (!force && now - this.#lastSweep < 1000) return 0;
    this.#lastSweep = now;
    let dropped = 0;
    for (const session of [...this.#sessions.values()]) {
      if (this.#expired(session, now) && this.delete(session.id)) dropped++;
    }
    return dropped;
  }

  /**
   * The environment a reset of `session` plays when its `source` is `replay` or `mixed`, built
   * from the ingest store; `undefined` (synchronously) for a synthetic reset. Pass the result
   * to `session.reset(params, env)`. See `alert_source.ts` for the errors.
   */
  prepareEpisode(session: Session, params: SourceParams): Promise<AlertTriageEnv> | undefined {
    const open = this.#options.openIngestStore ?? (() => sharedIngestStore());
    return prepareEpisode(open, session.taskId, params);
  }

  /**
   * Whether some session is running an episode of `taskId` on `seed` (the web console's watch
   * mode refuses to play that seed until it has ended).
   */
  playing(taskId: string, seed: number): boolean {
    for (const s of this.#sessions.values()) {
      if (s.running && s.taskId === taskId && s.env.state().seed === seed) return true;
    }
    return false;
  }

  /** Drops every session. */
  clear(): void {
    for (const id of [...this.#sessions.keys()]) this.delete(id);
  }

  #expired(session: Session, now: number): boolean {
    const idle = this.#options.sessionIdleSeconds;
    return idle > 0 && now - session.lastActive > idle * 1000;
  }
}
