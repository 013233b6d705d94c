/**
 * The seed's HTTP endpoints: `POST /env/reset/{task_id}`, `POST /env/step`, `GET /env/state`,
 * `GET /tasks`, and the metrics (`GET /metrics` in the Prometheus text format,
 * `GET /metrics?format=json` or `GET /metrics.json` with the score-vs-baseline comparison).
 * They share sessions with the OpenEnv endpoints.
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
import type { Context, Hono } from "hono";
import { listTasks, TASK_IDS } from "../../tasks/registry.ts";
import { readJson } from "./body.ts";
import { type BaselineScore, compareToBaseline, ruleBaseline } from "./baseline.ts";
import { HttpError } from "./http_errors.ts";
import {
  requestedSessionId,
  SESSION_HEADER,
  sessionForReset,
  sessionForUse,
} from "./http_session.ts";
import { LATENCY_BUCKETS } from "./metrics.ts";
import { parseResetBody, parseStepBody } from "./request_schemas.ts";
import { httpReset, httpStep } from "./routes_openenv.ts";
import type { SessionStore } from "./session_store.ts";
import { seedResult } from "./wire.ts";

/** Prometheus text exposition content type. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Registers the seed's routes on `app`; the baseline is computed on first use. */
export function seedRoutes(app: Hono, store: SessionStore, baselineEpisodes: number): void {
  let baseline: Record<string, BaselineScore> | null = null;
  const getBaseline = () => baseline ??= ruleBaseline(baselineEpisodes);

  app.post("/env/reset/:task_id", async (c) => {
    const task = c.req.param("task_id");
    if (!TASK_IDS.includes(task)) {
      throw new HttpError(
        404,
        `unknown task ${JSON.stringify(task)}; known tasks: ${TASK_IDS.join(", ")}`,
        "unknown_task",
      );
    }
    const params = parseResetBody(await readJson(c.req.raw));
    params.task_id = task;
    const session = sessionForReset(store, requestedSessionId(c.req.raw, params.session_id));
    params.agent ??= c.req.header("x-agent-name")?.slice(0, 64) || undefined;
    const t = await httpReset(store, session, params);
    c.header(SESSION_HEADER, session.id);
    return c.json(seedResult(t));
  });

  app.post("/env/step", async (c) => {
    const { action, session_id } = parseStepBody(await readJson(c.req.raw));
    const session = sessionForUse(store, requestedSessionId(c.req.raw, session_id));
    const t = httpStep(session, action);
    c.header(SESSION_HEADER, session.id);
    return c.json(seedResult(t));
  });

  app.get("/env/state", (c) => {
    const session = sessionForUse(store, requestedSessionId(c.req.raw));
    c.header(SESSION_HEADER, session.id);
    return c.json(session.state());
  });

  app.get("/tasks", (c) => c.json(listTasks()));

  const metricsJson = (c: Context) => {
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
      scores_vs_baseline: compareToBaseline(m, getBaseline()),
    });
  };

  app.get("/metrics", (c) => {
    if (c.req.query("format") === "json") return metricsJson(c);
    const baselineMeans = Object.fromEntries(
      Object.entries(getBaseline()).map(([task, b]) => [task, b.mean]),
    );
    return c.body(store.metrics.prometheus(store.counts(), baselineMeans), 200, {
      "Content-Type": PROMETHEUS_CONTENT_TYPE,
    });
  });
  app.get("/metrics.json", metricsJson);
}
