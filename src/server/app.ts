/**
 * The server application: {@link createApp} wires the session store, the metrics, the OpenEnv
 * routes, the seed's routes, the WebSocket endpoints, the `/ingest/*` sub-app (real alerts into
 * the durable store, see `src/ingest/routes.ts`), the OpenAPI document and the docs page into
 * one Hono app, behind a body-size limit and error handlers that turn every failure into
 * JSON (a 500 without a stack trace only as a last resort).
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * const server = createApp({ maxSessions: 8 });
 * const http = Deno.serve({ port: 0, onListen: () => {} }, server.fetch);
 * const res = await fetch(`http://127.0.0.1:${http.addr.port}/health`);
 * console.assert((await res.json()).status === "healthy");
 * await http.shutdown();
 * server.close();
 * ```
 *
 * @module
 */
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { DEFAULT_INGEST_CONFIG, ingestConfigFromEnv } from "../ingest/ingest_config.ts";
import { createIngestApp, type IngestAppOptions } from "../ingest/routes.ts";
import { IngestStore, sharedIngestStore } from "../ingest/store.ts";
import { DEFAULT_OPTIONS, type ServerOptions } from "./server_config.ts";
import { HttpError } from "./http_errors.ts";
import { Metrics } from "./metrics.ts";
import { openApiDocument } from "./openapi.ts";
import { openenvRoutes } from "./routes_openenv.ts";
import { seedRoutes } from "./routes_seed.ts";
import { SessionStore } from "./session_store.ts";
import { isUpgrade, type SocketProtocol, upgradeSession } from "./ws_socket.ts";

/** A running application (not yet listening: pass `fetch` to `Deno.serve`). */
export interface ServerApp {
  /** The Hono app. */
  app: Hono;
  /** The request handler. */
  fetch: (request: Request) => Response | Promise<Response>;
  /** Live sessions. */
  store: SessionStore;
  /** Counters and histograms. */
  metrics: Metrics;
  /** The options in effect. */
  options: ServerOptions;
  /** The alert store of `/ingest/*` and of replay resets (opened on first call). */
  ingestStore: () => Promise<IngestStore>;
  /** Starts a timer that drops idle sessions every `intervalMs` (unref'd: never keeps the
   * process alive). */
  startReaper(intervalMs?: number): void;
  /** Stops the reaper and drops every session (closing their sockets). */
  close(): void;
}

/** Methods served per path, for 405 answers. */
const KNOWN_PATHS: Record<string, string> = {
  "/reset": "POST",
  "/step": "POST",
  "/state": "GET",
  "/health": "GET",
  "/metadata": "GET",
  "/schema": "GET",
  "/mcp": "POST, GET",
  "/ws": "GET",
  "/ws/train": "GET",
  "/env/step": "POST",
  "/env/state": "GET",
  "/tasks": "GET",
  "/metrics": "GET",
  "/metrics.json": "GET",
  "/openapi.json": "GET",
  "/docs": "GET",
  "/ingest/alerts": "POST, GET",
  "/ingest/stats": "GET",
};

/** Methods served on parameterised paths (`/env/reset/{task_id}`, `/ingest/alerts/{format}`). */
const KNOWN_PATTERNS: [RegExp, string][] = [
  [/^\/env\/reset\/[^/]+$/, "POST"],
  [/^\/ingest\/alerts\/[^/]+$/, "POST"],
];

/**
 * The opener of the ingest store: the given store, the given opener (called once; a failed open
 * is retried on the next call), or the process-wide store of the configuration.
 */
function ingestStoreOpener(ingest: IngestAppOptions = {}): () => Promise<IngestStore> {
  const given = ingest.store;
  if (given instanceof IngestStore) return () => Promise.resolve(given);
  if (given) {
    let opening: Promise<IngestStore> | undefined;
    return () => {
      if (!opening) {
        opening = given();
        opening.catch(() => opening = undefined);
      }
      return opening;
    };
  }
  const config = { ...DEFAULT_INGEST_CONFIG, ...ingestConfigFromEnv(), ...ingest.config };
  return () => sharedIngestStore(config);
}

/** Builds the application. */
export function createApp(overrides: Partial<ServerOptions> = {}): ServerApp {
  const options: ServerOptions = { ...DEFAULT_OPTIONS, ...overrides };
  const metrics = new Metrics();
  const ingestStore = ingestStoreOpener(options.ingest);
  const store = new SessionStore({ ...options, openIngestStore: ingestStore }, metrics);
  const app = new Hono();

  app.use(
    "*",
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: () => {
        throw new HttpError(
          413,
          `Request body larger than ${options.maxBodyBytes} bytes`,
          "payload_too_large",
        );
      },
    }),
  );

  const socket = (path: string, protocol: SocketProtocol) => {
    app.get(path, (c) => {
      if (!isUpgrade(c.req.raw)) {
        throw new HttpError(426, `${path} expects a WebSocket upgrade`, "not_upgrade", {
          Upgrade: "websocket",
        });
      }
      return upgradeSession(c.req.raw, protocol, store);
    });
  };
  socket("/ws", "openenv");
  socket("/ws/train", "train");
  socket("/mcp", "mcp");

  openenvRoutes(app, store);
  seedRoutes(app, store, options.baselineEpisodes);
  app.route("/", createIngestApp({ log: () => {}, ...options.ingest, store: ingestStore }));

  const document = JSON.stringify(openApiDocument());
  app.get("/openapi.json", (c) => c.body(document, 200, { "Content-Type": "application/json" }));
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "alert-triage API" }));
  app.get("/", (c) => c.redirect("/docs", 307));

  app.notFound((c) => {
    const path = c.req.path;
    const allowed = KNOWN_PATHS[path] ??
      KNOWN_PATTERNS.find(([pattern]) => pattern.test(path))?.[1];
    if (allowed) {
      metrics.recordError("method_not_allowed");
      return c.json({ detail: "Method Not Allowed" }, 405, { Allow: allowed });
    }
    metrics.recordError("not_found");
    return c.json({ detail: "Not Found" }, 404);
  });

  app.onError((err, c) => {
    if (err instanceof HttpError) {
      metrics.recordError(err.kind);
      return c.json({ detail: err.detail }, err.status as 400, err.headers);
    }
    if (err instanceof HTTPException) {
      metrics.recordError(`http_${err.status}`);
      return c.json({ detail: err.message || "Bad Request" }, err.status);
    }
    metrics.recordError("internal");
    console.error("unexpected error:", err instanceof Error ? err.message : String(err));
    return c.json({ detail: "Internal Server Error" }, 500);
  });

  let reaper: ReturnType<typeof setInterval> | undefined;
  return {
    app,
    fetch: (request: Request) => app.fetch(request),
    store,
    metrics,
    options,
    ingestStore,
    startReaper(intervalMs = 5000) {
      if (reaper !== undefined) return;
      const timer = setInterval(() => store.sweep(true), intervalMs);
      Deno.unrefTimer(timer);
      reaper = timer;
    },
    close() {
      if (reaper !== undefined) clearInterval(reaper);
      reaper = undefined;
      store.clear();
    },
  };
}
