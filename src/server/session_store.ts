/**
 * The live sessions of a server: a cap on how many exist at once and on how many one client
 * (address) holds, idle expiry, least-recently-used eviction of idle sessions at a cap, secret
 * session tokens, and the default HTTP session that clients sending no session id share (it has
 * a reserved slot outside the caps and no token: it is shared by design). Sessions live in memory, so a server
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
import { checkBearer } from "../ingest/auth.ts";
import { prepareEpisode, ReplayAuthError, type SourceParams } from "./alert_source.ts";
import type { Metrics } from "./metrics.ts";
import { Session, type Transport } from "./session.ts";
import type { VectorWorkerPool } from "./vector_worker_pool.ts";

/** Id of the session used by HTTP requests that name none. */
export const DEFAULT_SESSION_ID = "default";

/** Thrown when a new session would exceed the server's cap or the client's. */
export class CapacityError extends AlertTriageError {
  /** Sessions alive (the client's, for a per-client refusal). */
  readonly activeSessions: number;
  /** The cap (the per-client one, for a per-client refusal). */
  readonly maxSessions: number;
  /**
   * Seconds until a slot can be freed: when the least recently used session becomes idle
   * long enough to be evicted (or expires), unless it is used again meanwhile.
   */
  readonly retryAfterSeconds: number;
  /** Which cap was hit. */
  readonly scope: "server" | "client";
  /** Creates the error with OpenEnv's message (server cap) or a per-client one. */
  constructor(
    active: number,
    max: number,
    retryAfterSeconds = 1,
    scope: "server" | "client" = "server",
  ) {
    super(
      scope === "server"
        ? `Server at capacity: ${active}/${max} sessions active. Cannot accept new connections.`
        : `Client at its session cap: ${active}/${max} sessions of this address active. Close ` +
          "one (or let it idle out) before creating another.",
      "CAPACITY_REACHED",
      "unavailable",
    );
    this.name = "CapacityError";
    this.activeSessions = active;
    this.maxSessions = max;
    this.retryAfterSeconds = retryAfterSeconds;
    this.scope = scope;
  }
}

/** Thrown when a session is used without its token (or with a wrong one). */
export class SessionOwnershipError extends AlertTriageError {
  /** Creates the error naming the session. */
  constructor(id: string) {
    super(
      `Session ${JSON.stringify(id)} belongs to the client that created it: send the ` +
        "X-Session-Token returned when it was created",
      "SESSION_FORBIDDEN",
      "forbidden",
    );
    this.name = "SessionOwnershipError";
  }
}

/** A new secret session token (256 random bits, hex). */
function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** String equality in time independent of where the strings differ. */
function sameSecret(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i % (b.length || 1));
  return diff === 0;
}

/** The bounds of one WebSocket connection. */
export interface SocketLimits {
  /** Largest frame accepted, in bytes (larger: close 1009). */
  maxFrameBytes: number;
  /** Most bytes of unsent replies queued for the client (more: close 1008). */
  maxBufferedBytes: number;
  /** Most frames waiting behind an asynchronous reply (more: close 1013). */
  maxPendingFrames: number;
}

/** Options of a {@link SessionStore}. */
export interface StoreOptions {
  /** Most sessions alive at once (the default session has its own reserved slot). */
  maxSessions: number;
  /** Most sessions one client (address) holds at once (default: `maxSessions`). */
  maxSessionsPerClient?: number;
  /**
   * At a cap, a session idle for at least this long (seconds) is evicted, least recently used
   * first, to make room (default 60; 0: any session).
   */
  evictIdleSeconds?: number;
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
  /** The ingest token: when set, `replay`/`mixed` resets need it as a bearer token. */
  ingestToken?: string;
  /** Largest WebSocket frame, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Most unread reply bytes a WebSocket may queue (default 1 MiB). */
  maxWsBufferedBytes?: number;
  /** The vector workers that large `/ws/vector` sessions are sharded over (none: unsharded). */
  vectorPool?: VectorWorkerPool | null;
  /** Most environments all `/ws/vector` sessions hold together (default 16,384). */
  maxVectorEnvs?: number;
}

/** Sessions by id, with a cap and idle expiry. */
export class SessionStore {
  readonly #sessions: Map<string, Session> = new Map();
  readonly #options: StoreOptions;
  readonly #metrics: Metrics;
  readonly #perClient: Map<string, number> = new Map();
  #vectorEnvs = 0;
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

  /** The vector workers of the server, or null (`ALERT_TRIAGE_VECTOR_WORKERS=0`). */
  get vectorPool(): VectorWorkerPool | null {
    return this.#options.vectorPool ?? null;
  }

  /** Environments held by open `/ws/vector` sessions. */
  get vectorEnvs(): number {
    return this.#vectorEnvs;
  }

  /** Most environments all `/ws/vector` sessions may hold together. */
  get maxVectorEnvs(): number {
    return this.#options.maxVectorEnvs ?? 16_384;
  }

  /**
   * Reserves `n` vector environments; the function that gives them back (once, however often
   * it is called), or null, reserving nothing, if that would pass {@link maxVectorEnvs}. The
   * caller gives them back when the environments are gone: a session's closer, or, for shards
   * still being built on a worker when their session ends, once they are built and dropped.
   */
  reserveVectorEnvs(n: number): (() => void) | null {
    if (this.#vectorEnvs + n > this.maxVectorEnvs) return null;
    this.#vectorEnvs += n;
    let held = true;
    return () => {
      if (held) this.#vectorEnvs -= n;
      held = false;
    };
  }

  /** The bounds of the WebSocket connections serving these sessions. */
  get socketLimits(): SocketLimits {
    return {
      maxFrameBytes: this.#options.maxBodyBytes ?? 1024 * 1024,
      maxBufferedBytes: this.#options.maxWsBufferedBytes ?? 1024 * 1024,
      maxPendingFrames: 256,
    };
  }

  /** Live sessions per transport (after dropping the expired ones). */
  counts(): Record<Transport, number> {
    this.sweep();
    const out = { http: 0, ws: 0 };
    for (const s of this.#sessions.values()) out[s.transport]++;
    return out;
  }

  /** Sessions alive that count against the cap (all but the default one). */
  get capped(): number {
    return this.#sessions.size - (this.#sessions.has(DEFAULT_SESSION_ID) ? 1 : 0);
  }

  /**
   * Creates a session (id: a random UUID unless given) for `client` (its address). Named HTTP
   * sessions get a secret {@link Session.token} unless `withToken` is false (a session whose
   * random id the server chose and told only its creator: the id is the secret). At the client's cap or the server's, the least
   * recently used session (the client's own, at the client's cap) is evicted if it has been idle
   * for `evictIdleSeconds`; otherwise {@link CapacityError} says when to retry. The default
   * session is outside the caps.
   */
  create(
    transport: Transport,
    id: string = crypto.randomUUID(),
    client = "",
    withToken: boolean = transport === "http" && id !== DEFAULT_SESSION_ID,
  ): Session {
    if (id !== DEFAULT_SESSION_ID) this.#makeRoom(client);
    const session = new Session(
      id,
      transport,
      this.#options.defaultTask,
      this.#metrics,
      this.#options.now(),
      { exposeTruth: this.#options.exposeTruth },
    );
    session.client = client;
    if (withToken) session.token = newToken();
    this.#sessions.set(id, session);
    if (id !== DEFAULT_SESSION_ID) this.#perClient.set(client, this.#owned(client) + 1);
    return session;
  }

  /** Whether `token` is the one `session` needs (any value for a token-free session). */
  authorized(session: Session, token: string | null | undefined): boolean {
    return session.token === null ||
      (typeof token === "string" && sameSecret(token, session.token));
  }

  /** Throws {@link SessionOwnershipError} unless `token` is the one `session` needs. */
  authorize(session: Session, token: string | null | undefined): void {
    if (!this.authorized(session, token)) {
      this.#metrics.recordError("session_forbidden");
      throw new SessionOwnershipError(session.id);
    }
  }

  #owned(client: string): number {
    return this.#perClient.get(client) ?? 0;
  }

  /** Frees a slot for a new session of `client`, or throws {@link CapacityError}. */
  #makeRoom(client: string): void {
    const max = this.#options.maxSessions;
    const perClient = Math.min(this.#options.maxSessionsPerClient ?? max, max);
    if (this.#owned(client) < perClient && this.capped < max) return;
    this.sweep(true);
    if (this.#owned(client) >= perClient) {
      // the client's own least recently used session makes room (on both caps); the refusal
      // names the server's cap when that one is full too (OpenEnv's message)
      const full = this.capped >= max;
      const [active, cap] = full ? [this.capped, max] : [this.#owned(client), perClient];
      this.#evictOrThrow((s) => s.client === client, active, cap, full ? "server" : "client");
      return;
    }
    if (this.capped >= max) this.#evictOrThrow(() => true, this.capped, max, "server");
  }

  #evictOrThrow(
    pick: (s: Session) => boolean,
    active: number,
    max: number,
    scope: "server" | "client",
  ): void {
    let lru: Session | undefined;
    for (const s of this.#sessions.values()) {
      if (s.id !== DEFAULT_SESSION_ID && pick(s) && (!lru || s.lastActive < lru.lastActive)) {
        lru = s;
      }
    }
    const now = this.#options.now();
    const evictMs = (this.#options.evictIdleSeconds ?? 60) * 1000;
    const idle = this.#options.sessionIdleSeconds;
    const freeAtMs = Math.min(evictMs, idle > 0 ? idle * 1000 : Infinity);
    const idleMs = lru ? now - lru.lastActive : 0;
    if (lru && idleMs >= evictMs) {
      this.#metrics.recordError("session_evicted");
      this.delete(lru.id);
      return;
    }
    this.#metrics.recordError(scope === "server" ? "capacity" : "client_capacity");
    const retry = Math.max(1, Math.ceil((freeAtMs - idleMs) / 1000));
    throw new CapacityError(active, max, retry, scope);
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
    if (id !== DEFAULT_SESSION_ID) {
      const left = this.#owned(session.client) - 1;
      if (left > 0) this.#perClient.set(session.client, left);
      else this.#perClient.delete(session.client);
    }
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
  prepareEpisode(
    session: Session,
    params: SourceParams,
    authorization: string | null | undefined = session.authorization,
  ): Promise<AlertTriageEnv> | undefined {
    const open = this.#options.openIngestStore ?? (() => sharedIngestStore());
    const token = this.#options.ingestToken;
    if (token === undefined || (params.source ?? "synthetic") === "synthetic") {
      return prepareEpisode(open, session.taskId, params);
    }
    return (async () => {
      const failure = await checkBearer(authorization, token);
      if (failure) {
        this.#metrics.recordError("ingest_token_required");
        throw new ReplayAuthError(failure.message);
      }
      return await prepareEpisode(open, session.taskId, params)!;
    })();
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
