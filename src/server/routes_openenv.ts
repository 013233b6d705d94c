/**
 * The OpenEnv endpoints, each declared once with its OpenAPI description ({@link OPENENV_ROUTES}):
 * `POST /reset`, `POST /step`, `GET /state`, `GET /health`, `GET /metadata`, `GET /schema`,
 * `POST /mcp`, with the reference server's response shapes, and the WebSocket upgrades `GET /ws`
 * and `GET /mcp`.
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
import { z } from "@hono/zod-openapi";
import { EpisodeNotRunningError, InvalidActionError } from "../errors.ts";
import { JSON_SCHEMAS, StateSchema } from "../schemas.ts";
import { UnknownTaskError } from "../../tasks/registry.ts";
import { sourceFailure } from "./alert_source.ts";
import { readJson } from "./body.ts";
import { ENV_DESCRIPTION, ENV_NAME, VERSION } from "./server_config.ts";
import { actionDetail, HttpError, toHttpError } from "./http_errors.ts";
import {
  AGENT_HEADER,
  clientAddress,
  requestToken,
  SESSION_HEADER,
  sessionForReset,
  sessionForUse,
  sessionHeaders,
  sessionRequest,
  TOKEN_HEADER,
} from "./http_session.ts";
import { handleJsonRpc, RPC, rpcError } from "./mcp.ts";
import {
  BODY_ERRORS,
  ErrorMessageSchema,
  jsonContent,
  SESSION_HEADERS,
  SOURCE_ERRORS,
  SOURCE_NOTE,
  TRUTH_NOTE,
} from "./openapi.ts";
import {
  parseResetBody,
  parseStepBody,
  ResetBodySchema,
  type ResetParams,
  StepBodyDocSchema,
} from "./request_schemas.ts";
import type { ApiRoute } from "../http/route_table.ts";
import type { ServerContext } from "./server_context.ts";
import type { Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";
import { listTasks } from "../../tasks/registry.ts";
import { openenvResult, type Transition, WireObservationSchema } from "./wire.ts";
import { upgradeRoute } from "./ws_route.ts";

/** `GET /metadata`. */
export const METADATA = {
  name: ENV_NAME,
  description: ENV_DESCRIPTION,
  readme_content: null,
  version: VERSION,
  author: "alert-triage contributors",
  documentation_url: "/docs",
  /** Version of each task's definition (world and grader): scores name the version. */
  tasks: Object.fromEntries(listTasks().map((t) => [t.id, { version: t.version }])),
};

/** `GET /schema`: JSON Schemas of the action, the wire observation and the state. */
export const SCHEMAS = {
  action: JSON_SCHEMAS.action,
  observation: z.toJSONSchema(WireObservationSchema) as Record<string, unknown>,
  state: JSON_SCHEMAS.state,
};

/**
 * Resets a session for an HTTP request, building a `replay`/`mixed` episode from the ingest
 * store first: unknown task 404, ingest token missing or wrong 401 (when one is configured),
 * nothing recorded to replay 409, store unavailable 503 (with `Retry-After`). A session the
 * request `created` is dropped again when the reset fails (its token was never answered).
 */
export async function httpReset(
  store: SessionStore,
  session: Session,
  params: ResetParams,
  { created = false, authorization }: { created?: boolean; authorization?: string | null } = {},
): Promise<Transition> {
  try {
    const pending = store.prepareEpisode(session, params, authorization);
    return session.reset(params, pending && await pending);
  } catch (err) {
    if (created) store.delete(session.id);
    if (err instanceof UnknownTaskError) throw toHttpError(err);
    const failure = sourceFailure(err);
    if (failure) {
      const headers: Record<string, string> = failure.status === 503
        ? { "Retry-After": "5" }
        : failure.status === 401
        ? { "WWW-Authenticate": "Bearer" }
        : {};
      throw new HttpError(failure.status, failure.message, failure.label, headers);
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
      throw toHttpError(err, actionDetail(err, ["body", "action"]));
    }
    if (err instanceof EpisodeNotRunningError) throw toHttpError(err);
    throw err;
  }
}

/** The handler of a step route: one step of the request's session, answered as `format` says. */
export function stepHandler(
  format: (t: Transition) => unknown,
): ApiRoute<ServerContext>["handler"] {
  return async (c, { store }) =>
    stepResponse(await readJson(c.req.raw), c.req.raw, c.env, store, format);
}

/**
 * One HTTP step, parsed body to response: the session (its token checked), the step and the
 * JSON answer with the session header. Shared by the routed step routes and the direct
 * `POST /step` (`direct_step.ts`); errors are thrown as {@link HttpError}s for the caller to
 * answer. `env` is the connection info (`Deno.ServeHandlerInfo`: the client's address).
 */
export function stepResponse(
  body: unknown,
  request: Request,
  env: unknown,
  store: SessionStore,
  format: (t: Transition) => unknown,
): Response {
  const { action, session_id } = parseStepBody(body);
  const session = sessionForUse(store, sessionRequest(request, env, session_id));
  const t = httpStep(session, action);
  return new Response(JSON.stringify(format(t)), {
    headers: { "content-type": "application/json", [SESSION_HEADER]: session.id },
  });
}

/**
 * One HTTP reset, parsed body to response, exactly as the `/reset` route answers it: the
 * session (created if named and new; its token checked otherwise), the reset, and the JSON
 * answer with the session headers (the token too when the reset created the session), in the
 * order the route's `Headers` list them. Used by the direct `POST /reset` (`direct_step.ts`);
 * errors are thrown as {@link HttpError}s for the caller to answer.
 */
export async function resetResponse(
  body: unknown,
  request: Request,
  env: unknown,
  store: SessionStore,
): Promise<Response> {
  const params = parseResetBody(body);
  const target = sessionRequest(request, env, params.session_id);
  params.agent ??= agentHeader(request);
  const { session, created } = sessionForReset(store, target);
  const authorization = request.headers.get("authorization") ?? undefined;
  const t = await httpReset(store, session, params, { created, authorization });
  const headers: [string, string][] = [
    ["content-type", "application/json"],
    [SESSION_HEADER, session.id],
  ];
  if (created && session.token !== null) headers.push([TOKEN_HEADER, session.token]);
  return new Response(JSON.stringify(openenvResult(t)), { headers });
}

/** The handler of a state route: the request's session state (truth only once it has ended). */
export const stateHandler: ApiRoute<ServerContext>["handler"] = (c, { store }) => {
  const session = sessionForUse(store, sessionRequest(c.req.raw, c.env));
  sessionHeaders(c, session);
  return c.json(session.state());
};

function agentHeader(request: Request): string | undefined {
  const agent = request.headers.get(AGENT_HEADER);
  return agent ? agent.slice(0, 64) : undefined;
}

/** `GET /health`: openenv-core's `{status}` and the seed's readiness and backlog. */
const HealthSchema = z.object({
  status: z.literal("healthy"),
  env_ready: z.boolean(),
  queue_size: z.number().int().nullable(),
  ingest_store: z.enum(["open", "not_opened", "unavailable"]),
});

const OpenEnvResult = z.object({
  observation: WireObservationSchema,
  reward: z.union([z.number(), z.null()]),
  done: z.boolean(),
});

/** The OpenEnv routes, in the order of the OpenAPI document. */
export const OPENENV_ROUTES: readonly ApiRoute<ServerContext>[] = [
  {
    method: "post",
    path: "/reset",
    doc: {
      tags: ["OpenEnv"],
      summary: "Start an episode",
      description: "Empty body, `{}` or a ResetRequest. A new `task_id` switches the session's " +
        "task. Creates the session named by `X-Session-Id` if needed. " + SOURCE_NOTE,
      request: {
        headers: SESSION_HEADERS,
        body: { content: { "application/json": { schema: ResetBodySchema } }, required: false },
      },
      responses: {
        200: jsonContent(OpenEnvResult, "First observation; reward null, done false"),
        404: jsonContent(ErrorMessageSchema, "Unknown task"),
        ...SOURCE_ERRORS,
        503: jsonContent(
          ErrorMessageSchema,
          "Session cap reached, or alert store unavailable (`Retry-After`)",
        ),
        ...BODY_ERRORS,
      },
    },
    handler: async (c, { store }) =>
      resetResponse(await readJson(c.req.raw), c.req.raw, c.env, store),
  },
  {
    method: "post",
    path: "/step",
    doc: {
      tags: ["OpenEnv"],
      summary: "Apply one tick of triage decisions",
      request: {
        headers: SESSION_HEADERS,
        body: { content: { "application/json": { schema: StepBodyDocSchema } } },
      },
      responses: {
        200: jsonContent(OpenEnvResult, "Observation (with task_score at the end), reward, done"),
        404: jsonContent(ErrorMessageSchema, "Unknown or expired session"),
        409: jsonContent(ErrorMessageSchema, "No episode running (before reset or after the end)"),
        ...BODY_ERRORS,
      },
    },
    handler: stepHandler(openenvResult),
  },
  {
    method: "get",
    path: "/state",
    doc: {
      tags: ["OpenEnv"],
      summary: "Episode state (hidden truth only once the episode has ended)",
      description: TRUTH_NOTE,
      request: { headers: SESSION_HEADERS },
      responses: {
        200: jsonContent(StateSchema, "State"),
        403: BODY_ERRORS[403],
        404: jsonContent(ErrorMessageSchema, "Unknown session"),
      },
    },
    handler: stateHandler,
  },
  {
    method: "get",
    path: "/health",
    doc: {
      tags: ["OpenEnv"],
      summary: "Health check",
      description: "Always `healthy` while the process answers. `env_ready`: a new episode can " +
        "start now (below the session cap). `queue_size`: open alerts in the ingest store " +
        "(backlog), null while the store is not open; `ingest_store` says why. Never opens " +
        "the store.",
      responses: { 200: jsonContent(HealthSchema, "Healthy") },
    },
    handler: async (c, { store, ingestHealth }) => {
      const active = Object.values(store.counts()).reduce((a, b) => a + b, 0);
      return c.json({
        status: "healthy" as const,
        env_ready: active < store.maxSessions,
        ...await ingestHealth(),
      });
    },
  },
  {
    method: "get",
    path: "/metadata",
    doc: {
      tags: ["OpenEnv"],
      summary: "Environment metadata",
      responses: {
        200: jsonContent(
          z.object({
            name: z.string(),
            description: z.string(),
            readme_content: z.union([z.string(), z.null()]),
            version: z.string(),
            author: z.union([z.string(), z.null()]),
            documentation_url: z.union([z.string(), z.null()]),
          }),
          "Metadata",
        ),
      },
    },
    handler: (c) => c.json(METADATA),
  },
  {
    method: "get",
    path: "/schema",
    doc: {
      tags: ["OpenEnv"],
      summary: "JSON Schemas of action, observation and state",
      responses: {
        200: jsonContent(
          z.object({
            action: z.record(z.string(), z.unknown()),
            observation: z.record(z.string(), z.unknown()),
            state: z.record(z.string(), z.unknown()),
          }),
          "Schemas",
        ),
      },
    },
    handler: (c) => c.json(SCHEMAS),
  },
  {
    method: "post",
    path: "/mcp",
    doc: {
      tags: ["OpenEnv"],
      summary: "MCP over JSON-RPC 2.0",
      description: "`tools/list`, `tools/call` (reset, step, state), `openenv/session/create`, " +
        "`openenv/session/close`. Always HTTP 200; errors are JSON-RPC error objects.",
      request: {
        body: {
          content: {
            "application/json": {
              schema: z.object({
                jsonrpc: z.literal("2.0"),
                method: z.string(),
                params: z.record(z.string(), z.unknown()).optional(),
                id: z.union([z.string(), z.int(), z.null()]).optional(),
              }),
            },
          },
        },
      },
      responses: { 200: jsonContent(z.record(z.string(), z.unknown()), "JSON-RPC response") },
    },
    handler: async (c, { store }) => {
      let body: unknown;
      try {
        body = await readJson(c.req.raw);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 400) throw err;
        store.metrics.recordError("invalid_json");
        return c.json(rpcError(null, RPC.PARSE_ERROR, "Parse error"));
      }
      const caller = {
        token: requestToken(c.req.raw),
        client: clientAddress(c.env),
        authorization: c.req.header("authorization") ?? null,
      };
      return c.json(await handleJsonRpc(body, { store, caller }));
    },
  },
  upgradeRoute(
    "/ws",
    "openenv",
    "OpenEnv",
    "OpenEnv session: frames {type: reset|step|state|close|mcp, data}.",
  ),
  upgradeRoute(
    "/mcp",
    "mcp",
    "OpenEnv",
    "MCP JSON-RPC frames over WebSocket, one session per socket.",
  ),
];
