/**
 * Which session an HTTP request acts on: the id in the `X-Session-Id` header, the body's
 * `session_id` or the `session_id` query parameter (they must agree), or the default session
 * when none is given, so the plain `POST /reset` then `POST /step` flow works. A reset creates
 * the session it names; other requests naming an unknown (or expired) session get a 404.
 *
 * Ownership: a reset that creates a named session answers its secret token in the
 * `X-Session-Token` header; every later request on that session (reset, step, state, MCP calls
 * and close) must send it back in `X-Session-Token`, or gets a 403. The `default` session is
 * shared and needs no token. At a cap the answer is a 503 whose `Retry-After` is when a slot
 * can be freed (the least recently used session becomes evictable).
 *
 * @example
 * ```ts
 * import { SESSION_HEADER } from "./http_session.ts";
 * console.assert(SESSION_HEADER === "X-Session-Id");
 * ```
 *
 * @module
 */
import { HttpError, type Loc, toHttpError, unprocessable } from "./http_errors.ts";
import { SESSION_ID_PATTERN } from "./request_schemas.ts";
import type { Session } from "./session.ts";
import {
  CapacityError,
  DEFAULT_SESSION_ID,
  SessionOwnershipError,
  type SessionStore,
} from "./session_store.ts";

/** Header carrying the session id (also set on responses). */
export const SESSION_HEADER = "X-Session-Id";

/** Header carrying a named session's secret token (set on the reset that creates it). */
export const TOKEN_HEADER = "X-Session-Token";

/** The session token a request carries, if any. */
export function requestToken(request: Request): string | undefined {
  return request.headers.get(TOKEN_HEADER) ?? undefined;
}

/** Header naming the agent (the `agent` label of score metrics) when the body does not. */
export const AGENT_HEADER = "X-Agent-Name";

/** The session id a request names, or undefined; 422 if malformed or contradictory. */
export function requestedSessionId(request: Request, bodyId?: string): string | undefined {
  const header = request.headers.get(SESSION_HEADER) ?? undefined;
  // a URL without `?` has no query: no URL to parse (the common case)
  const query = request.url.includes("?")
    ? new URL(request.url).searchParams.get("session_id") ?? undefined
    : undefined;
  const given: [string, Loc][] = [];
  if (header !== undefined) given.push([header, ["header", "x-session-id"]]);
  if (bodyId !== undefined) given.push([bodyId, ["body", "session_id"]]);
  if (query !== undefined) given.push([query, ["query", "session_id"]]);
  for (const [id, loc] of given) {
    if (!SESSION_ID_PATTERN.test(id)) {
      throw unprocessable(loc, `String should match pattern '${SESSION_ID_PATTERN.source}'`);
    }
  }
  if (given.some(([id]) => id !== given[0][0])) {
    throw unprocessable(given[1][1], "Conflicting session ids in the request");
  }
  return given[0]?.[0];
}

function capacity(err: unknown): never {
  if (err instanceof CapacityError) {
    throw toHttpError(err, err.message, { "Retry-After": String(err.retryAfterSeconds) });
  }
  throw err;
}

function owned(store: SessionStore, session: Session, token: string | undefined): Session {
  try {
    store.authorize(session, token);
  } catch (err) {
    if (err instanceof SessionOwnershipError) throw toHttpError(err);
    throw err;
  }
  return session;
}

/**
 * The address of the client of a request: `c.env.remoteAddr` as `Deno.serve` hands it to the
 * app's `fetch` (`""` when unknown, e.g. a request passed to `fetch` in-process).
 */
export function clientAddress(env: unknown): string {
  const addr = (env as { remoteAddr?: { hostname?: string; path?: string } } | undefined)
    ?.remoteAddr;
  return addr?.hostname ?? addr?.path ?? "";
}

/**
 * The session id (body's or the request's), token and connection of a request. The client's
 * address is read from the connection only when a session is created (see
 * `requestClient`).
 */
export function sessionRequest(request: Request, env: unknown, bodyId?: string): SessionRequest {
  return { id: requestedSessionId(request, bodyId), token: requestToken(request), env };
}

/** A request's session id, token and client address. */
export interface SessionRequest {
  /** Session id (default: the default session). */
  id?: string;
  /** The `X-Session-Token` sent. */
  token?: string;
  /** The client's address (the per-client cap's key). */
  client?: string;
  /** The connection info (`Deno.ServeHandlerInfo`), the address's source when `client` is not given. */
  env?: unknown;
}

/** The client address of a session request: `client`, else the connection's, else `""`. */
function requestClient(target: SessionRequest): string {
  return target.client ?? clientAddress(target.env);
}

/**
 * The session a reset acts on: the named one (its token required), or a new one (503 at a cap);
 * `created` says whether the reset created it (then answer its token).
 */
export function sessionForReset(
  store: SessionStore,
  target: SessionRequest = {},
): { session: Session; created: boolean } {
  const id = target.id ?? DEFAULT_SESSION_ID;
  const session = store.get(id);
  if (session) {
    if (session.transport !== "http") {
      throw new HttpError(409, `Session ${id} belongs to a WebSocket connection`, "conflict");
    }
    return { session: owned(store, session, target.token), created: false };
  }
  try {
    return { session: store.create("http", id, requestClient(target)), created: true };
  } catch (err) {
    capacity(err);
  }
}

/**
 * The session a step or state request acts on: the named one (404 if unknown or expired), or
 * the default session, created if needed.
 */
export function sessionForUse(
  store: SessionStore,
  target: SessionRequest = {},
): Session {
  const { id, token } = target;
  if (id === undefined || id === DEFAULT_SESSION_ID) {
    return sessionForReset(store, { client: target.client, env: target.env }).session;
  }
  const session = store.get(id);
  if (!session || session.transport !== "http") {
    throw new HttpError(
      404,
      `Unknown or expired session ${JSON.stringify(id)}; POST /reset with this ${SESSION_HEADER} ` +
        "to create it",
      "unknown_session",
    );
  }
  return owned(store, session, token);
}

/** Sets the session headers of a response: the id, and the token of a session just created. */
export function sessionHeaders(
  c: { header(name: string, value: string): void },
  session: Session,
  created = false,
): void {
  c.header(SESSION_HEADER, session.id);
  if (created && session.token !== null) c.header(TOKEN_HEADER, session.token);
}
