/**
 * The seed's endpoints, each declared once with its OpenAPI description ({@link SEED_ROUTES}):
 * `POST /env/reset/{task_id}`, `POST /env/step`, `GET /env/state`, `GET /tasks`, the metrics
 * (`GET /metrics` in the Prometheus text format, `GET /metrics?format=json` or
 * `GET /metrics.json` with the score-vs-baseline comparison) and the WebSocket upgrade
 * `GET /ws/train`. They share sessions with the OpenEnv endpoints.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * const server = createApp();
 * const res = await server.fetch(new Request("http://x/tasks"));
 * console.assert((await res.json()).length === 3);
 * server.close();
 * ```
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { listTasks, TASK_IDS } from "../../tasks/registry.ts";
import { ObservationSchema, StateSchema } from "../schemas.ts";
import { compareToBaseline } from "./baseline.ts";
import { readJson } from "./body.ts";
import { HttpError } from "./http_errors.ts";
import { sessionForReset, sessionHeaders, sessionRequest } from "./http_session.ts";
import { LATENCY_BUCKETS } from "./metrics.ts";
import {
  BODY_ERRORS,
  ErrorMessageSchema,
  jsonContent,
  SESSION_HEADERS,
  SOURCE_ERRORS,
  SOURCE_NOTE,
  TRUTH_NOTE,
} from "./openapi.ts";
import { parseResetBody, SeedResetBodySchema, StepBodySchema } from "./request_schemas.ts";
import type { ApiRoute } from "../http/route_table.ts";
import { httpReset, stateHandler, stepHandler } from "./routes_openenv.ts";
import type { ServerContext } from "./server_context.ts";
import { seedResult } from "./wire.ts";
import { upgradeRoute } from "./ws_route.ts";

/** Prometheus text exposition content type. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const SeedResult = z.object({
  observation: ObservationSchema,
  reward: z.union([z.number(), z.null()]),
  done: z.boolean(),
  info: z.record(z.string(), z.unknown()).describe(
    "Diagnostics: reward_components, terminated, truncated, last_action_error, seed, " +
      "action_mask, and at the end of an episode damage, failures, task_score, " +
      "task_score_breakdown, success (hidden state is never sent while the episode runs)",
  ),
});

function metricsJson(c: Context, { store, baseline }: ServerContext): Response {
  const m = store.metrics;
  const lat = m.latency();
  return c.json({
    sessions: { ...store.counts(), max: store.maxSessions },
    steps_total: Object.fromEntries(m.steps),
    resets_total: Object.fromEntries(m.resets),
    episodes_total: Object.fromEntries(m.episodes),
    errors_total: Object.fromEntries(m.errors),
    step_latency_seconds: {
      count: lat.count,
      mean: lat.count ? lat.sum / lat.count : 0,
      buckets: Object.fromEntries(LATENCY_BUCKETS.map((le, i) => [String(le), lat.buckets[i]])),
    },
    scores_vs_baseline: compareToBaseline(m, baseline()),
  });
}

/** The seed's routes, in the order of the OpenAPI document. */
export const SEED_ROUTES: readonly ApiRoute<ServerContext>[] = [
  {
    method: "post",
    path: "/env/reset/{task_id}",
    doc: {
      tags: ["Seed API"],
      summary: "Start an episode of a task",
      description: SOURCE_NOTE,
      request: {
        params: z.object({ task_id: z.string() }),
        headers: SESSION_HEADERS,
        body: {
          content: { "application/json": { schema: SeedResetBodySchema } },
          required: false,
        },
      },
      responses: {
        200: jsonContent(SeedResult, "First observation and info"),
        404: jsonContent(ErrorMessageSchema, "Unknown task"),
        ...SOURCE_ERRORS,
        ...BODY_ERRORS,
      },
    },
    handler: async (c, { store }) => {
      const task = c.req.param("task_id") ?? "";
      if (!TASK_IDS.includes(task)) {
        throw new HttpError(
          404,
          `unknown task ${JSON.stringify(task)}; known tasks: ${TASK_IDS.join(", ")}`,
          "unknown_task",
        );
      }
      const params = parseResetBody(await readJson(c.req.raw));
      params.task_id = task;
      const target = sessionRequest(c.req.raw, c.env, params.session_id);
      const { session, created } = sessionForReset(store, target);
      params.agent ??= c.req.header("x-agent-name")?.slice(0, 64) || undefined;
      const authorization = c.req.header("authorization");
      const t = await httpReset(store, session, params, { created, authorization });
      sessionHeaders(c, session, created);
      return c.json(seedResult(t));
    },
  },
  {
    method: "post",
    path: "/env/step",
    doc: {
      tags: ["Seed API"],
      summary: "Apply one tick of decisions; info carries task_score at the end",
      request: {
        headers: SESSION_HEADERS,
        body: { content: { "application/json": { schema: StepBodySchema } } },
      },
      responses: {
        200: jsonContent(SeedResult, "Observation, reward, done, info"),
        409: jsonContent(ErrorMessageSchema, "No episode running"),
        ...BODY_ERRORS,
      },
    },
    handler: stepHandler(seedResult),
  },
  {
    method: "get",
    path: "/env/state",
    doc: {
      tags: ["Seed API"],
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
    path: "/tasks",
    doc: {
      tags: ["Seed API"],
      summary: "The tasks",
      responses: {
        200: jsonContent(z.array(z.record(z.string(), z.unknown())), "Task listing"),
      },
    },
    handler: (c) => c.json(listTasks()),
  },
  {
    method: "get",
    path: "/metrics",
    doc: {
      tags: ["Seed API"],
      summary: "Prometheus metrics (`?format=json`: JSON with the score-vs-baseline comparison)",
      request: { query: z.object({ format: z.enum(["json", "prometheus"]).optional() }) },
      responses: { 200: { description: "Prometheus text exposition format 0.0.4" } },
    },
    handler: (c, ctx) => {
      if (c.req.query("format") === "json") return metricsJson(c, ctx);
      const baselineMeans = Object.fromEntries(
        Object.entries(ctx.baseline()).map(([task, b]) => [task, b.mean]),
      );
      return c.body(
        ctx.store.metrics.prometheus(
          ctx.store.counts(),
          baselineMeans,
          ctx.store.vectorPool?.stats(),
        ),
        200,
        {
          "Content-Type": PROMETHEUS_CONTENT_TYPE,
        },
      );
    },
  },
  {
    method: "get",
    path: "/metrics.json",
    doc: {
      tags: ["Seed API"],
      summary: "Metrics as JSON with the score-vs-baseline comparison",
      responses: { 200: jsonContent(z.record(z.string(), z.unknown()), "Metrics") },
    },
    handler: metricsJson,
  },
  upgradeRoute(
    "/ws/train",
    "train",
    "Seed API",
    "Seed-style frames: {type: reset, task_id, seed} / " +
      "{type: step, action}; replies {type, observation, reward, done, info}.",
  ),
];
