/**
 * The web console's routes ({@link WEB_ROUTES}), mounted by the server beside its own: the three
 * pages (`/web/` to play, `/web/watch`, `/web/leaderboard`), their static files
 * (`/web/static/*`), the leaderboard as JSON (`/web/api/leaderboard`) and watch mode
 * (`/web/api/watch?task=&seed=&agent=`: an agent plays its own episode of that seed server-side
 * and the trajectory, truth included, comes back). Pages use relative URLs only, so the console
 * works behind a path prefix; every page is sent with a Content-Security-Policy that allows
 * nothing but this origin (no CDN).
 *
 * A person's episode is an ordinary session of the HTTP API (`/env/reset`, `/env/step`,
 * `/env/state`) played by the page under the agent label it chose (`human` by default), so its
 * score lands in the server's score store and on the leaderboard like any agent's.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { mountRoutes } from "../http/route_table.ts";
 * import { WEB_ROUTES } from "./routes.ts";
 * const app = new Hono();
 * mountRoutes(app, WEB_ROUTES, {
 *   store: { metrics: { scores: new Map() }, playing: () => false },
 *   baseline: () => ({}),
 * });
 * console.assert((await app.request("/web/leaderboard")).status === 200);
 * ```
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AlertTriageError } from "../errors.ts";
import { MAX_SEED } from "../rng.ts";
import type { ApiRoute } from "../http/route_table.ts";
import { TASK_IDS } from "../../tasks/registry.ts";
import { HTML_TYPE, WEB_PAGES, webAsset } from "./assets.ts";
import { type BaselineSummary, leaderboard, type ScoreSource } from "./leaderboard.ts";
import { WATCH_AGENTS, watchEpisode } from "./watch.ts";

/** What the web routes need of the server (the server's route context provides it). */
export interface WebContext {
  /** The session store: its metrics' score store, and which seeds are being played. */
  readonly store: {
    readonly metrics: { readonly scores: ScoreSource };
    playing(taskId: string, seed: number): boolean;
  };
  /** The rule baseline per task. */
  baseline(): Readonly<Record<string, BaselineSummary>>;
}

/** The policy every page and file is served with: this origin only. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; " +
  "frame-ancestors 'none'";

function page(c: Context, body: string): Response {
  return c.body(body, 200, {
    "Content-Type": HTML_TYPE,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-cache",
  });
}

function invalid(c: Context, field: string, msg: string): Response {
  return c.json({ detail: [{ type: "value_error", loc: ["query", field], msg }] }, 422);
}

const WatchQuery = z.object({
  task: z.string().describe(`Task id (${TASK_IDS.join(", ")})`),
  seed: z.string().regex(/^[0-9]{1,16}$/).describe("Seed of the episode"),
  agent: z.string().describe(`Agent (${WATCH_AGENTS.join(", ")})`),
});

async function watch(c: Context, { store }: WebContext): Promise<Response> {
  const task = c.req.query("task");
  const seedText = c.req.query("seed");
  const agent = c.req.query("agent");
  if (task === undefined || !TASK_IDS.includes(task)) {
    return invalid(c, "task", `must be one of ${TASK_IDS.join(", ")}`);
  }
  const seed = Number(seedText);
  if (!seedText || !/^[0-9]{1,16}$/.test(seedText) || seed > MAX_SEED) {
    return invalid(c, "seed", `must be an integer in 0..${MAX_SEED}`);
  }
  if (agent === undefined || !WATCH_AGENTS.includes(agent)) {
    return invalid(c, "agent", `must be one of ${WATCH_AGENTS.join(", ")}`);
  }
  if (store.playing(task, seed)) {
    return c.json({
      detail: `An episode of ${task} on seed ${seed} is running; watch this seed after it ends`,
    }, 409);
  }
  try {
    return c.json(await watchEpisode(agent, task, seed));
  } catch (e) {
    if (e instanceof AlertTriageError && e.kind === "unavailable") {
      return c.json({ detail: e.message }, 503);
    }
    throw e;
  }
}

/** The console's routes. */
export const WEB_ROUTES: readonly ApiRoute<WebContext>[] = [
  { method: "get", path: "/web", doc: null, handler: (c) => c.redirect("web/", 308) },
  { method: "get", path: "/web/", doc: null, handler: (c) => page(c, WEB_PAGES.play) },
  { method: "get", path: "/web/watch", doc: null, handler: (c) => page(c, WEB_PAGES.watch) },
  {
    method: "get",
    path: "/web/leaderboard",
    doc: null,
    handler: (c) => page(c, WEB_PAGES.leaderboard),
  },
  {
    method: "get",
    path: "/web/static/{file}",
    doc: null,
    handler: (c) => {
      const asset = webAsset(c.req.param("file") ?? "");
      if (!asset) return c.json({ detail: "Not Found" }, 404);
      return c.body(asset.body, 200, {
        "Content-Type": asset.type,
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Cache-Control": "no-cache",
      });
    },
  },
  {
    method: "get",
    path: "/web/api/leaderboard",
    doc: {
      tags: ["Web console"],
      summary: "Leaderboard: per task and agent, mean score with 95% CI, episodes, success rate",
      responses: {
        200: {
          description: "One table per task",
          content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
        },
      },
    },
    handler: (c, { store, baseline }) => c.json(leaderboard(store.metrics.scores, baseline())),
  },
  {
    method: "get",
    path: "/web/api/watch",
    doc: {
      tags: ["Web console"],
      summary: "Watch mode: an agent plays its own episode of a seed; trajectory, truth and grade",
      description: "Refused (409) while an episode of that task and seed is running in any " +
        "session: the trajectory carries the hidden truth.",
      request: { query: WatchQuery },
      responses: {
        200: {
          description: "The trajectory",
          content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
        },
        409: { description: "That seed is being played" },
        422: { description: "Bad task, seed or agent" },
        503: { description: "The agent cannot be built here (e.g. no policy file)" },
      },
    },
    handler: watch,
  },
];
