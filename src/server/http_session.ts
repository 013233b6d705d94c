/**
 * Which session an HTTP request acts on: the id in the `X-Session-Id` header, the body's
 * `session_id` or the `session_id` query parameter (they must agree), or the default session
 * when none is given, so the plain `POST /reset` then `POST /step` flow works. A reset creates
 * the session it names; other requests naming an unknown (or expired) session get a 404.
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
import { CapacityError, DEFAULT_SESSION_ID, type SessionStore } from "./session_store.ts";

/** Header carrying the session id (also set on responses). */
export const SESSION_HEADER = "X-Session-Id";

/** Header naming the agent (the `agent` label of score metrics) when the body does not. */
export const AGENT_HEADER = "X-Agent-Name";

/** The session id a request names, or undefined; 422 if malformed or contradictory. */
export function requestedSessionId(request: Request, bodyId?: string): string | undefined {
  const header = request.headers.get(SESSION_HEADER) ?? undefined;
  const query = new URL(request.url).searchParams.get("session_id") ?? undefined;
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
    throw toHttpError(err, err.message, { "Retry-After": "1" });
  }
  throw err;
}

/** The session a reset acts on, created if needed (503 at the cap). */
export function sessionForReset(store: SessionStore, id = DEFAULT_SESSION_ID): Session {
  const session = store.get(id);
  if (session) {
    if (session.transport !== "http") {
      throw new HttpError(409, `Session ${id} belongs to a WebSocket connection`, "conflict");
    }
    return session;
  }
  try {
    return store.create("http", id);
  } catch (err) {
    capacity(err);
  }
}

/**
 * The session a step or state request acts on: the named one (404 if unknown or expired), or
 * the default session, created if needed.
 */
export function sessionForUse(store: SessionStore, id?: string): Session {
  if (id === undefined || id === DEFAULT_SESSION_ID) return sessionForReset(store);
  const session = store.get(id);
  if (!session || session.transport !== "http") {
    throw new HttpError(
      404,
      `Unknown or expired session ${JSON.stringify(id)}; POST /reset with this ${SESSION_HEADER} ` +
        "to create it",
      "unknown_session",
    );
  }
  return session;
}
