/**
 * MCP over JSON-RPC 2.0, as OpenEnv's `POST /mcp` and the `mcp` WebSocket frame speak it:
 * `tools/list`, `tools/call` of the `reset`, `step` and `state` tools, and OpenEnv's session
 * extensions `openenv/session/create` / `openenv/session/close`. Errors use the JSON-RPC codes
 * (-32700 parse, -32600 invalid request, -32601 method not found, -32602 invalid params,
 * -32603 internal, -32000 server error) with the reference server's messages. A `reset` with a
 * `replay`/`mixed` source reads the ingest store, so its answer is a promise; every other answer
 * is immediate. Nothing recorded to replay and an unavailable store are -32000 errors with
 * `data.status` 409 / 503.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { handleJsonRpc } from "./mcp.ts";
 * import { SessionStore } from "./session_store.ts";
 * const store = new SessionStore({ maxSessions: 4, sessionIdleSeconds: 0, defaultTask: "easy",
 *   now: () => 0 }, new Metrics());
 * const res = handleJsonRpc({ jsonrpc: "2.0", method: "tools/list", id: 1 }, { store });
 * console.assert("result" in res);
 * ```
 *
 * @module
 */
import { z } from "zod";
import { EpisodeNotRunningError, InvalidActionError } from "../errors.ts";
import { JSON_SCHEMAS } from "../schemas.ts";
import { UnknownTaskError } from "../../tasks/registry.ts";
import type { AlertTriageEnv } from "../env.ts";
import { sourceFailure } from "./alert_source.ts";
import { describe, isObject } from "./body.ts";
import { actionDetail, HttpError } from "./http_errors.ts";
import { parseResetBody, ResetBodySchema, type ResetParams } from "./request_schemas.ts";
import { Session } from "./session.ts";
import {
  CapacityError,
  DEFAULT_SESSION_ID,
  SessionOwnershipError,
  type SessionStore,
} from "./session_store.ts";
import { openenvResult } from "./wire.ts";

/** JSON-RPC error codes. */
export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  SERVER_ERROR: -32000,
} as const;

/** A JSON-RPC request id. */
export type RpcId = string | number | null;

/** A JSON-RPC 2.0 response (`result` or `error`, never both). */
export type JsonRpcResponse =
  | { jsonrpc: "2.0"; id: RpcId; result: unknown }
  | { jsonrpc: "2.0"; id: RpcId; error: { code: number; message: string; data: unknown } };

/** Where an MCP request runs. */
export interface McpContext {
  /** The server's sessions. */
  store: SessionStore;
  /** The WebSocket's own session, when the request came in an `mcp` frame. */
  wsSession?: Session;
  /**
   * Who is asking over HTTP: the `X-Session-Token` (a named session's token, unless the params
   * carry `session_token`), the client's address (per-client cap) and the `Authorization`
   * header (the ingest token of replay/mixed resets).
   */
  caller?: { token?: string; client?: string; authorization?: string | null };
}

/** The session token a request presents: `params.session_token`, else the caller's header. */
function presentedToken(params: Record<string, unknown>, ctx: McpContext): string | undefined {
  return typeof params.session_token === "string" ? params.session_token : ctx.caller?.token;
}

function forbidden(id: RpcId, err: SessionOwnershipError): JsonRpcResponse {
  return rpcError(id, RPC.INVALID_REQUEST, err.message, { code: err.code });
}

/** An error response. */
export function rpcError(
  id: RpcId,
  code: number,
  message: string,
  data: unknown = null,
): { jsonrpc: "2.0"; id: RpcId; error: { code: number; message: string; data: unknown } } {
  return { jsonrpc: "2.0" as const, id, error: { code, message, data } };
}

function rpcResult(id: RpcId, result: unknown): JsonRpcResponse {
  return { jsonrpc: "2.0", id, result };
}

/** The tools `tools/list` reports. */
export const MCP_TOOLS: { name: string; description: string; inputSchema: unknown }[] = [
  {
    name: "reset",
    description: "Start an episode; returns {observation, reward, done}.",
    inputSchema: z.toJSONSchema(ResetBodySchema, { io: "input" }),
  },
  {
    name: "step",
    description: "Apply one tick of triage decisions; returns {observation, reward, done}.",
    inputSchema: {
      type: "object",
      properties: { action: JSON_SCHEMAS.action },
      required: ["action"],
    },
  },
  {
    name: "state",
    description: "The episode's state; its hidden truth is null while the episode runs and " +
      "complete once it has ended.",
    inputSchema: { type: "object", properties: {} },
  },
];

const ALLOWED_KEYS = new Set(["jsonrpc", "method", "params", "id"]);

/** Why a request object is not a JSON-RPC 2.0 request, or null if it is one. */
function requestProblem(req: Record<string, unknown>): string | null {
  const problems: string[] = [];
  if (!("jsonrpc" in req)) problems.push("jsonrpc: Field required");
  else if (req.jsonrpc !== "2.0") problems.push("jsonrpc: Input should be '2.0'");
  if (!("method" in req)) problems.push("method: Field required");
  else if (typeof req.method !== "string") problems.push("method: Input should be a string");
  if ("params" in req && !isObject(req.params)) {
    problems.push("params: Input should be a valid dictionary");
  }
  const id = req.id;
  if (
    id !== undefined && id !== null && typeof id !== "string" &&
    !(typeof id === "number" && Number.isSafeInteger(id))
  ) problems.push("id: Input should be a valid string or integer");
  for (const key of Object.keys(req)) {
    if (!ALLOWED_KEYS.has(key)) problems.push(`${key}: Extra inputs are not permitted`);
  }
  if (!problems.length) return null;
  return `Invalid request: ${problems.length} validation error${
    problems.length > 1 ? "s" : ""
  } for JsonRpcRequest\n${problems.join("\n")}`;
}

/**
 * Answers one JSON-RPC request (already parsed; a non-object is a parse error, as on the
 * reference server's `POST /mcp`): at once, or as a promise for a `replay`/`mixed` reset.
 */
export function handleJsonRpc(
  body: unknown,
  ctx: McpContext,
): JsonRpcResponse | Promise<JsonRpcResponse> {
  if (!isObject(body)) return rpcError(null, RPC.PARSE_ERROR, "Parse error");
  const problem = requestProblem(body);
  if (problem) return rpcError(null, RPC.INVALID_REQUEST, problem);
  const id = (body.id ?? null) as RpcId;
  const method = body.method as string;
  const params = (body.params ?? {}) as Record<string, unknown>;
  switch (method) {
    case "tools/list":
      return rpcResult(id, { tools: MCP_TOOLS });
    case "tools/call":
      return callTool(id, params, ctx);
    case "openenv/session/create":
      return createSession(id, ctx);
    case "openenv/session/close":
      return closeSession(id, params, ctx);
    default:
      return rpcError(id, RPC.METHOD_NOT_FOUND, `Method not found: ${method}`);
  }
}

function createSession(id: RpcId, ctx: McpContext): JsonRpcResponse {
  if (ctx.wsSession) return rpcResult(id, { session_id: ctx.wsSession.id });
  try {
    // The random id the server chose is the session's secret (openenv-core's MCPToolClient
    // sends back only the id), so no token is needed.
    const session = ctx.store.create("http", crypto.randomUUID(), ctx.caller?.client, false);
    return rpcResult(id, { session_id: session.id });
  } catch (err) {
    if (!(err instanceof CapacityError)) throw err;
    return rpcError(id, RPC.SERVER_ERROR, err.message, {
      active_sessions: err.activeSessions,
      max_sessions: err.maxSessions,
      retry_after_seconds: err.retryAfterSeconds,
    });
  }
}

function closeSession(
  id: RpcId,
  params: Record<string, unknown>,
  ctx: McpContext,
): JsonRpcResponse {
  const target = params.session_id;
  if (typeof target !== "string" || !target) {
    return rpcError(id, RPC.INVALID_PARAMS, "Invalid params - 'session_id' is required");
  }
  if (ctx.wsSession && target === ctx.wsSession.id) {
    return rpcError(
      id,
      RPC.INVALID_REQUEST,
      "Cannot close active WebSocket-managed session via MCP method",
    );
  }
  const session = ctx.store.get(target);
  if (!session || session.transport !== "http") {
    return rpcError(id, RPC.INVALID_PARAMS, `Unknown session_id: ${target}`);
  }
  if (!ctx.store.authorized(session, presentedToken(params, ctx))) {
    return forbidden(id, new SessionOwnershipError(target));
  }
  ctx.store.delete(target);
  return rpcResult(id, { session_id: target, closed: true });
}

/** The session a tool call acts on, or an error response. */
function targetSession(
  id: RpcId,
  params: Record<string, unknown>,
  ctx: McpContext,
): Session | JsonRpcResponse {
  const requested = params.session_id;
  if (requested === undefined || requested === null) {
    if (ctx.wsSession) return ctx.wsSession;
    const existing = ctx.store.get(DEFAULT_SESSION_ID);
    if (existing) return existing;
    try {
      return ctx.store.create("http", DEFAULT_SESSION_ID, ctx.caller?.client);
    } catch (err) {
      if (!(err instanceof CapacityError)) throw err;
      return rpcError(id, RPC.SERVER_ERROR, err.message, {
        active_sessions: err.activeSessions,
        max_sessions: err.maxSessions,
        retry_after_seconds: err.retryAfterSeconds,
      });
    }
  }
  if (ctx.wsSession && requested === ctx.wsSession.id) return ctx.wsSession;
  const session = typeof requested === "string" ? ctx.store.get(requested) : undefined;
  if (!session || session.transport !== "http") {
    return rpcError(id, RPC.INVALID_PARAMS, `Unknown session_id: ${describe(requested)}`);
  }
  if (!ctx.store.authorized(session, presentedToken(params, ctx))) {
    return forbidden(id, new SessionOwnershipError(session.id));
  }
  return session;
}

/**
 * A tool's result: MCP's `content`/`structuredContent`/`isError`, and the payload again as
 * `data`, which openenv-core's `MCPToolClient.call_tool` returns (as for a FastMCP result).
 */
function toolResult(id: RpcId, payload: unknown): JsonRpcResponse {
  return rpcResult(id, {
    content: [{ type: "text", text: JSON.stringify(payload) }],
    structuredContent: payload,
    isError: false,
    data: payload,
  });
}

/**
 * Whether a WebSocket `step` carries one of openenv-core's MCP actions (what `MCPToolClient`
 * sends when not in production mode): `{"type": "list_tools"}` or
 * `{"type": "call_tool", "tool_name", "arguments"}`. A triage action has no `type`.
 */
export function isMcpStepAction(action: unknown): action is Record<string, unknown> {
  return isObject(action) && (action.type === "list_tools" || action.type === "call_tool");
}

/** The step result openenv-core's `MCPToolClient` parses (`ListToolsObservation`/`CallToolObservation`). */
export interface McpStepResult {
  /** `{tools}` or `{tool_name, result, error}`. */
  observation: Record<string, unknown>;
  /** The reward of a `step` tool call, else null. */
  reward: number | null;
  /** Whether the episode ended (a `step` tool call), else false. */
  done: boolean;
}

/**
 * Answers an MCP action sent as a step ({@link isMcpStepAction}) on `ctx.wsSession`: the tool list
 * (no episode needed) or a tool call through `tools/call`; a JSON-RPC error becomes the
 * observation's `error` (`invalid_args`, `tool_not_found` or `execution_error`).
 */
export function mcpStepResult(
  action: Record<string, unknown>,
  ctx: McpContext,
): McpStepResult | Promise<McpStepResult> {
  if (action.type === "list_tools") {
    return { observation: { tools: MCP_TOOLS }, reward: null, done: false };
  }
  const toolName = action.tool_name;
  const request = {
    jsonrpc: "2.0",
    method: "tools/call",
    params: { name: toolName, arguments: action.arguments ?? {} },
    id: 0,
  };
  const answer = (response: JsonRpcResponse): McpStepResult => {
    if ("error" in response) {
      const { code, message } = response.error;
      const errorType = message.startsWith("Tool not found")
        ? "tool_not_found"
        : code === RPC.INVALID_PARAMS
        ? "invalid_args"
        : "execution_error";
      return {
        observation: {
          tool_name: toolName,
          result: null,
          error: { error_type: errorType, message },
        },
        reward: null,
        done: false,
      };
    }
    const payload = (response.result as { data?: unknown }).data;
    const fields = isObject(payload) ? payload : {};
    return {
      observation: { tool_name: toolName, result: response.result, error: null },
      reward: typeof fields.reward === "number" ? fields.reward : null,
      done: fields.done === true,
    };
  };
  const response = handleJsonRpc(request, ctx);
  return response instanceof Promise ? response.then(answer) : answer(response);
}

function callTool(
  id: RpcId,
  params: Record<string, unknown>,
  ctx: McpContext,
): JsonRpcResponse | Promise<JsonRpcResponse> {
  const name = params.name;
  if (typeof name !== "string" || !name) {
    return rpcError(id, RPC.INVALID_PARAMS, "Missing 'name' in params");
  }
  if (!MCP_TOOLS.some((t) => t.name === name)) {
    return rpcError(id, RPC.INVALID_PARAMS, `Tool not found: ${name}`);
  }
  const args = params.arguments ?? {};
  if (!isObject(args)) {
    return rpcError(id, RPC.INVALID_PARAMS, "Invalid params - 'arguments' must be an object");
  }
  const session = targetSession(id, params, ctx);
  if (!(session instanceof Session)) return session;
  ctx.store.touch(session);
  const reset = (resetParams: ResetParams, env?: AlertTriageEnv) =>
    toolResult(id, openenvResult(session.reset(resetParams, env)));
  try {
    switch (name) {
      case "reset": {
        const { session_id: _ignored, session_token: _secret, ...rest } = args;
        const resetParams = parseResetBody(rest, ["arguments"]);
        const authorization = ctx.caller ? ctx.caller.authorization : ctx.wsSession?.authorization;
        const pending = ctx.store.prepareEpisode(session, resetParams, authorization);
        if (!pending) return reset(resetParams);
        return pending.then((env) => reset(resetParams, env)).catch((err) => toolError(id, err));
      }
      case "step": {
        const action = "action" in args ? args.action : args;
        return toolResult(id, openenvResult(session.step(action)));
      }
      default:
        return toolResult(id, session.state());
    }
  } catch (err) {
    if (err instanceof InvalidActionError) {
      ctx.store.touch(session);
      return rpcError(id, RPC.INVALID_PARAMS, `Invalid params - ${err.message}`, {
        detail: actionDetail(err, ["arguments", "action"]),
      });
    }
    return toolError(id, err);
  }
}

/** The JSON-RPC error of a failed tool call (rethrows what is not a client or store error). */
function toolError(id: RpcId, err: unknown): JsonRpcResponse {
  if (err instanceof HttpError) {
    return rpcError(id, RPC.INVALID_PARAMS, `Invalid params - ${err.message}`, {
      detail: err.detail,
    });
  }
  if (err instanceof UnknownTaskError) {
    return rpcError(id, RPC.INVALID_PARAMS, `Invalid params - ${err.message}`);
  }
  if (err instanceof EpisodeNotRunningError) {
    return rpcError(id, RPC.INTERNAL_ERROR, err.message);
  }
  const failure = sourceFailure(err);
  if (failure) {
    return rpcError(id, RPC.SERVER_ERROR, failure.message, {
      status: failure.status,
      code: failure.code,
    });
  }
  throw err;
}
