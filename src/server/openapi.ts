/**
 * The OpenAPI 3.1 document of the server, generated from the zod schemas with
 * `@hono/zod-openapi` (every HTTP route, the `/ingest/*` routes of `openapi_ingest.ts`, and the
 * WebSocket routes as `GET` upgrades), and the
 * Scalar API reference page that renders it at `/docs`.
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./openapi.ts";
 * const doc = openApiDocument();
 * console.assert(doc.openapi === "3.1.0" && "/reset" in (doc.paths ?? {}));
 * ```
 *
 * @module
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ActionSchema, StateSchema } from "../schemas.ts";
import { ENV_DESCRIPTION, VERSION } from "./server_config.ts";
import {
  ResetBodySchema,
  SeedResetBodySchema,
  StepBodyDocSchema,
  StepBodySchema,
} from "./request_schemas.ts";
import { INGEST_ROUTES } from "./openapi_ingest.ts";
import { WireObservationSchema } from "./wire.ts";
import { ObservationSchema } from "../schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

const DetailItem = z.object({
  type: z.string(),
  loc: z.array(z.union([z.string(), z.int()])),
  msg: z.string(),
});
const ValidationError = z.object({ detail: z.array(DetailItem) }).describe(
  "Schema violation or rejected action; `loc` names the field",
);
const ErrorMessage = z.object({ detail: z.string() });
const OpenEnvResult = z.object({
  observation: WireObservationSchema,
  reward: z.union([z.number(), z.null()]),
  done: z.boolean(),
});
const SeedResult = z.object({
  observation: ObservationSchema,
  reward: z.union([z.number(), z.null()]),
  done: z.boolean(),
  info: z.record(z.string(), z.unknown()).describe(
    "Diagnostics: reward_components, terminated, truncated, last_action_error, damage, " +
      "failures, seed, action_mask, and at the end of an episode task_score, " +
      "task_score_breakdown, success",
  ),
});
const sessionHeader = z.object({
  "x-session-id": z.string().optional().describe("Session to act on (default: `default`)"),
});
const errors = {
  400: json(ValidationError, "Malformed JSON or invalid UTF-8"),
  413: json(ErrorMessage, "Body larger than the limit"),
  422: json(ValidationError, "Schema violation or rejected action"),
};
const upgrade = (path: string, tag: string, description: string) =>
  createRoute({
    method: "get",
    path,
    tags: [tag],
    summary: `WebSocket ${path}`,
    description,
    responses: { 101: { description: "Switching Protocols" }, 426: json(ErrorMessage, "") },
  });

const SOURCE_NOTE = "`source` picks the alerts: `synthetic` (default; also a later reset " +
  "without `source`), `replay` (only the real alerts recorded by `/ingest/*`, bucketed into " +
  "ticks by time) or `mixed` (recorded alerts on top of the synthetic stream); " +
  "`replay: {since, until, limit, tick_ms}` picks the recorded window.";
const sourceErrors = {
  409: json(ErrorMessage, "`source: replay` with no recorded alerts in the window"),
  503: json(ErrorMessage, "Alert store unavailable (`Retry-After`)"),
};

const TRUTH_NOTE = "`truth` (alert classes, incidents, the dependency graph) is `null` while " +
  "the episode runs, so an agent cannot read it, and complete once the episode has ended; a " +
  "server started with `ALERT_TRIAGE_EXPOSE_TRUTH=1` always includes it (debugging only).";

/** Every documented route. */
export const ROUTES = [
  createRoute({
    method: "post",
    path: "/reset",
    tags: ["OpenEnv"],
    summary: "Start an episode",
    description: "Empty body, `{}` or a ResetRequest. A new `task_id` switches the session's " +
      "task. Creates the session named by `X-Session-Id` if needed. " + SOURCE_NOTE,
    request: {
      headers: sessionHeader,
      body: { content: { "application/json": { schema: ResetBodySchema } }, required: false },
    },
    responses: {
      200: json(OpenEnvResult, "First observation; reward null, done false"),
      404: json(ErrorMessage, "Unknown task"),
      ...sourceErrors,
      503: json(ErrorMessage, "Session cap reached, or alert store unavailable (`Retry-After`)"),
      ...errors,
    },
  }),
  createRoute({
    method: "post",
    path: "/step",
    tags: ["OpenEnv"],
    summary: "Apply one tick of triage decisions",
    request: {
      headers: sessionHeader,
      body: { content: { "application/json": { schema: StepBodyDocSchema } } },
    },
    responses: {
      200: json(OpenEnvResult, "Observation (with task_score at the end), reward, done"),
      404: json(ErrorMessage, "Unknown or expired session"),
      409: json(ErrorMessage, "No episode running (before reset or after the end)"),
      ...errors,
    },
  }),
  createRoute({
    method: "get",
    path: "/state",
    tags: ["OpenEnv"],
    summary: "Episode state (hidden truth only once the episode has ended)",
    description: TRUTH_NOTE,
    request: { headers: sessionHeader },
    responses: { 200: json(StateSchema, "State"), 404: json(ErrorMessage, "Unknown session") },
  }),
  createRoute({
    method: "get",
    path: "/health",
    tags: ["OpenEnv"],
    summary: "Health check",
    responses: { 200: json(z.object({ status: z.literal("healthy") }), "Healthy") },
  }),
  createRoute({
    method: "get",
    path: "/metadata",
    tags: ["OpenEnv"],
    summary: "Environment metadata",
    responses: {
      200: json(
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
  }),
  createRoute({
    method: "get",
    path: "/schema",
    tags: ["OpenEnv"],
    summary: "JSON Schemas of action, observation and state",
    responses: {
      200: json(
        z.object({
          action: z.record(z.string(), z.unknown()),
          observation: z.record(z.string(), z.unknown()),
          state: z.record(z.string(), z.unknown()),
        }),
        "Schemas",
      ),
    },
  }),
  createRoute({
    method: "post",
    path: "/mcp",
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
    responses: { 200: json(z.record(z.string(), z.unknown()), "JSON-RPC response") },
  }),
  upgrade("/ws", "OpenEnv", "OpenEnv session: frames {type: reset|step|state|close|mcp, data}."),
  upgrade("/mcp", "OpenEnv", "MCP JSON-RPC frames over WebSocket, one session per socket."),
  createRoute({
    method: "post",
    path: "/env/reset/{task_id}",
    tags: ["Seed API"],
    summary: "Start an episode of a task",
    description: SOURCE_NOTE,
    request: {
      params: z.object({ task_id: z.string() }),
      headers: sessionHeader,
      body: {
        content: { "application/json": { schema: SeedResetBodySchema } },
        required: false,
      },
    },
    responses: {
      200: json(SeedResult, "First observation and info"),
      404: json(ErrorMessage, "Unknown task"),
      ...sourceErrors,
      ...errors,
    },
  }),
  createRoute({
    method: "post",
    path: "/env/step",
    tags: ["Seed API"],
    summary: "Apply one tick of decisions; info carries task_score at the end",
    request: {
      headers: sessionHeader,
      body: { content: { "application/json": { schema: StepBodySchema } } },
    },
    responses: {
      200: json(SeedResult, "Observation, reward, done, info"),
      409: json(ErrorMessage, "No episode running"),
      ...errors,
    },
  }),
  createRoute({
    method: "get",
    path: "/env/state",
    tags: ["Seed API"],
    summary: "Episode state (hidden truth only once the episode has ended)",
    description: TRUTH_NOTE,
    request: { headers: sessionHeader },
    responses: { 200: json(StateSchema, "State"), 404: json(ErrorMessage, "Unknown session") },
  }),
  createRoute({
    method: "get",
    path: "/tasks",
    tags: ["Seed API"],
    summary: "The tasks",
    responses: { 200: json(z.array(z.record(z.string(), z.unknown())), "Task listing") },
  }),
  createRoute({
    method: "get",
    path: "/metrics",
    tags: ["Seed API"],
    summary: "Prometheus metrics (`?format=json`: JSON with the score-vs-baseline comparison)",
    request: { query: z.object({ format: z.enum(["json", "prometheus"]).optional() }) },
    responses: { 200: { description: "Prometheus text exposition format 0.0.4" } },
  }),
  createRoute({
    method: "get",
    path: "/metrics.json",
    tags: ["Seed API"],
    summary: "Metrics as JSON with the score-vs-baseline comparison",
    responses: { 200: json(z.record(z.string(), z.unknown()), "Metrics") },
  }),
  upgrade(
    "/ws/train",
    "Seed API",
    "Seed-style frames: {type: reset, task_id, seed} / " +
      "{type: step, action}; replies {type, observation, reward, done, info}.",
  ),
];

/** The OpenAPI 3.1 document (`info.version` is the package version). */
export function openApiDocument(): ReturnType<OpenAPIHono["getOpenAPI31Document"]> {
  const app = new OpenAPIHono();
  for (const route of [...ROUTES, ...INGEST_ROUTES]) app.openAPIRegistry.registerPath(route);
  app.openAPIRegistry.register("Action", ActionSchema);
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "alert-triage OpenEnv environment",
      version: VERSION,
      description: ENV_DESCRIPTION,
    },
  });
}
