/**
 * The OpenEnv HTTP endpoints: `POST /reset`, `POST /step`, `GET /state`, `GET /health`,
 * `GET /metadata`, `GET /schema`, `POST /mcp`, with the reference server's response shapes.
 * Unlike the reference (stateless since 0.2: a fresh environment per request), reset, step and
 * state act on a session: the default one, or the one named by `X-Session-Id`.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * const server = createApp();
 * const res = await server.fetch(new Request("http://x/reset", { method: "POST", body: "{}" }));
 * console.assert(res.status === 200);
 * server.close();
 * ```
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import { EpisodeNotRunningError, InvalidActionError } from "../errors.ts";
import { JSON_SCHEMAS } from "../schemas.ts";
import { UnknownTaskError } from "../../tasks/registry.ts";
import { sourceFailure } from "./alert_source.ts";
import { readJson } from "./body.ts";
import { ENV_DESCRIPTION, ENV_NAME, VERSION } from "./server_config.ts";
import { actionDetail, HttpError } from "./http_errors.ts";
import {
  AGENT_HEADER,
  requestedSessionId,
  SESSION_HEADER,
  sessionForReset,
  sessionForUse,
} from "./http_session.ts";
import { handleJsonRpc, RPC, rpcError } from "./mcp.ts";
import { parseResetBody, parseStepBody, type ResetParams } from "./request_schemas.ts";
import type { Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";
import { openenvResult, type Transition, WireObservationSchema } from "./wire.ts";

/** `GET /metadata`. */
export const METADATA = {
  name: ENV_NAME,
  description: ENV_DESCRIPTION,
  readme_content: null,
  version: VERSION,
  author: "alert-triage contributors",
  documentation_url: "/docs",
};

/** `GET /schema`: JSON Schemas of the action, the wire observation and the state. */
export const SCHEMAS = {
  action: JSON_SCHEMAS.action,
  observation: z.toJSONSchema(WireObservationSchema) as Record<string, unknown>,
  state: JSON_SCHEMAS.state,
};

/**
 * Resets a session for an HTTP request, building a `replay`/`mixed` episode from the ingest
 * store first: unknown task 404, nothing recorded to replay 409, store unavailable 503 (with
 * `Retry-After`).
 */
export async function httpReset(
  store: SessionStore,
  session: Session,
  params: ResetParams,
): Promise<Transition> {
  try {
    const pending = store.prepareEpisode(session, params);
    return session.reset(params, pending && await pending);
  } catch (err) {
    if (err instanceof UnknownTaskError) throw new HttpError(404, err.message, "unknown_task");
    const failure = sourceFailure(err);
    if (failure) {
      const headers: Record<string, string> = failure.status === 503 ? { "Retry-After": "5" } : {};
      throw new HttpError(failure.status, failure.message, failure.code.toLowerCase(), headers);
    }
    throw err;
  }
}

/**
 * Steps a session for an HTTP request: a rejected action is a 422 naming the field under
 * `["body", "action"]`; a step with no episode running is a 409. The episode is unchanged.
 */
export function httpStep(session: Session, action: unknown): Transition {
  try {
    return session.step(action);
  } catch (err) {
    if (err instanceof InvalidActionError) {
      throw new HttpError(422, actionDetail(err, ["body", "action"]), "validation");
    }
    if (err instanceof EpisodeNotRunningError) {
      throw new HttpError(409, err.message, "not_running");
    }
    throw err;
  }
}

/** Reads a reset request: body, session id, agent label. */
export async function resetRequest(
  request: Request,
): Promise<{ params: ResetParams; id?: string }> {
  const params = parseResetBody(await readJson(request));
  const id = requestedSessionId(request, params.session_id);
  params.agent ??= agentHeader(request);
  return { params, id };
}

function agentHeader(request: Request): string | undefined {
  const agent = request.headers.get(AGENT_HEADER);
  return agent ? agent.slice(0, 64) : undefined;
}

/** Registers the OpenEnv routes on `app`. */
export function openenvRoutes(app: Hono, store: SessionStore): void {
  app.post("/reset", async (c) => {
    const { params, id } = await resetRequest(c.req.raw);
    const session = sessionForReset(store, id);
    const t = await httpReset(store, session, params);
    c.header(SESSION_HEADER, session.id);
    return c.json(openenvResult(t));
  });

  app.post("/step", async (c) => {
    const { action, session_id } = parseStepBody(await readJson(c.req.raw));
    const session = sessionForUse(store, requestedSessionId(c.req.raw, session_id));
    const t = httpStep(session, action);
    c.header(SESSION_HEADER, session.id);
    return c.json(openenvResult(t));
  });

  app.get("/state", (c) => {
    const session = sessionForUse(store, requestedSessionId(c.req.raw));
    c.header(SESSION_HEADER, session.id);
    return c.json(session.state());
  });

  app.get("/health", (c) => c.json({ status: "healthy" }));
  app.get("/metadata", (c) => c.json(METADATA));
  app.get("/schema", (c) => c.json(SCHEMAS));

  app.post("/mcp", async (c) => {
    let body: unknown;
    try {
      body = await readJson(c.req.raw);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 400) throw err;
      store.metrics.recordError("invalid_json");
      return c.json(rpcError(null, RPC.PARSE_ERROR, "Parse error"));
    }
    return c.json(await handleJsonRpc(body, { store }));
  });
}
