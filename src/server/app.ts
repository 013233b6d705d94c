/**
 * The server application: {@link createApp} wires the session store, the metrics, the route
 * tables (the OpenEnv routes and the seed's, WebSocket upgrades included, the OpenAPI document
 * and the docs page) and the `/ingest/*` sub-app (real alerts into the durable store, see
 * `src/ingest/routes.ts`) into one Hono app, behind a body-size limit and error handlers that
 * turn every failure into JSON (a 500 without a stack trace only as a last resort). The
 * OpenAPI document and the 405 answers (`Allow`) are derived from the same tables.
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
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { DEFAULT_INGEST_CONFIG, ingestConfigFromEnv } from "../ingest/ingest_config.ts";
import { createIngestApp, INGEST_ROUTES, type IngestAppOptions } from "../ingest/routes.ts";
import { IngestStore, sharedIngestStore } from "../ingest/store.ts";
import { type BaselineScore, ruleBaseline } from "./baseline.ts";
import { DEFAULT_OPTIONS, type ServerOptions } from "./server_config.ts";
import { readBodyLimited } from "./body.ts";
import { HttpError } from "./http_errors.ts";
import { Metrics } from "./metrics.ts";
import { openApiDocument, REFERENCE_ROUTES } from "./openapi.ts";
import { allowedMethods, type ApiRoute, mountRoutes } from "../http/route_table.ts";
import { OPENENV_ROUTES } from "./routes_openenv.ts";
import { SEED_ROUTES } from "./routes_seed.ts";
import { VECTOR_ROUTES } from "./routes_vector.ts";
import { directStep } from "./direct_step.ts";
import type { IngestHealth, ServerContext } from "./server_context.ts";
import { SessionStore } from "./session_store.ts";
import { WEB_ROUTES } from "../web/routes.ts";
import { BUILT_IN_TASK_IDS, getTask } from "../../tasks/registry.ts";
import { VectorWorkerPool } from "./vector_worker_pool.ts";
import { MAX_VECTOR_ENVS } from "./ws_vector.ts";

/** The routes the app serves itself, in the order of the OpenAPI document. */
const SERVER_ROUTES: readonly ApiRoute<ServerContext>[] = [
  ...OPENENV_ROUTES,
  ...SEED_ROUTES,
  ...VECTOR_ROUTES,
  ...REFERENCE_ROUTES,
  ...WEB_ROUTES, // the web console (src/web/): /web/, /web/watch, /web/leaderboard
];

/** Every route, the mounted `/ingest/*` sub-app's included: the document and the 405s. */
const ALL_ROUTES: readonly ApiRoute<never>[] = [...SERVER_ROUTES, ...INGEST_ROUTES];

/** The methods served on a path, for the `Allow` header of a 405. */
const allowedOn = allowedMethods(ALL_ROUTES);

/** A running application (not yet listening: pass `fetch` to `Deno.serve`). */
export interface ServerApp {
  /** The Hono app. */
  app: Hono;
  /**
   * The request handler (`Deno.serve`'s: its `info.remoteAddr` is the client address of the
   * per-client session cap).
   */
  fetch: (request: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;
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
  /** The vector workers (`options.vectorWorkers` of them), or null when there are none. */
  vectorPool: VectorWorkerPool | null;
  /** Stops the reaper, drops every session (closing their sockets), stops the vector workers. */
  close(): void;
}

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

/** An opener that also answers, without opening anything, how the store is doing. */
type TrackedOpener = (() => Promise<IngestStore>) & { health(): Promise<IngestHealth> };

/**
 * Wraps the opener: remembers the store once an open succeeded (or was given open) and whether
 * the last attempt failed, so `/health` reports the backlog without opening the store itself.
 */
function trackedOpener(
  open: () => Promise<IngestStore>,
  given: IngestAppOptions["store"],
): TrackedOpener {
  let opened: IngestStore | undefined = given instanceof IngestStore ? given : undefined;
  let failed = false;
  const tracked = () => {
    const opening = open();
    opening.then((s) => {
      opened = s;
      failed = false;
    }, () => failed = opened === undefined);
    return opening;
  };
  tracked.health = async (): Promise<IngestHealth> => {
    if (!opened) return { ingest_store: failed ? "unavailable" : "not_opened", queue_size: null };
    try {
      return { ingest_store: "open", queue_size: (await opened.stats()).open };
    } catch {
      return { ingest_store: "unavailable", queue_size: null }; // closed meanwhile
    }
  };
  return tracked;
}

/** Builds the application. */
export function createApp(overrides: Partial<ServerOptions> = {}): ServerApp {
  const options: ServerOptions = { ...DEFAULT_OPTIONS, ...overrides };
  const metrics = new Metrics();
  const ingestStore = trackedOpener(ingestStoreOpener(options.ingest), options.ingest?.store);
  // the token `/ingest/*` enforces (same resolution as createIngestApp)
  const ingestToken = {
    ...DEFAULT_INGEST_CONFIG,
    ...ingestConfigFromEnv(),
    ...options.ingest?.config,
  }.token;
  const vectorPool = options.vectorWorkers > 0
    ? new VectorWorkerPool(options.vectorWorkers, {
      maxEnvs: MAX_VECTOR_ENVS,
      slots: Math.max(...BUILT_IN_TASK_IDS.map((id) => getTask(id).world.maxQueue)),
    })
    : null;
  const store = new SessionStore(
    { ...options, openIngestStore: ingestStore, ingestToken, vectorPool },
    metrics,
  );
  const app = new Hono();

  // Every body is read here, streaming, within the size limit and the body deadline, before
  // any route sees it (the routes then read the buffered bytes).
  app.use("*", async (c, next) => {
    const raw = c.req.raw;
    if (raw.method !== "GET" && raw.method !== "HEAD" && raw.body !== null) {
      const bytes = await readBodyLimited(
        raw,
        options.maxBodyBytes,
        options.bodyTimeoutSeconds * 1000,
      );
      c.req.raw = new Request(raw.url, {
        method: raw.method,
        headers: raw.headers,
        body: bytes as Uint8Array<ArrayBuffer>,
      });
    }
    await next();
  });

  let baseline: Record<string, BaselineScore> | null = null;
  mountRoutes(app, SERVER_ROUTES, {
    store,
    baseline: () => baseline ??= ruleBaseline(options.baselineEpisodes),
    openApiJson: JSON.stringify(openApiDocument(ALL_ROUTES)),
    ingestHealth: ingestStore.health,
  });
  app.route("/", createIngestApp({ log: () => {}, ...options.ingest, store: ingestStore }));
  app.get("/", (c) => c.redirect("/docs", 307)); // a convenience, not an API route (no 405)

  app.notFound((c) => {
    const allowed = allowedOn(c.req.path);
    if (allowed) {
      metrics.recordError("method_not_allowed");
      return c.json({ detail: "Method Not Allowed" }, 405, { Allow: allowed });
    }
    metrics.recordError("not_found");
    return c.json({ detail: "Not Found" }, 404);
  });

  app.onError((err, c) => {
    if (err instanceof HttpError) {
      metrics.recordError(err.code);
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
  const step = directStep(store, options.maxBodyBytes, options.bodyTimeoutSeconds * 1000);
  const unexpected = (err: unknown) => {
    metrics.recordError("internal");
    console.error("unexpected error:", err instanceof Error ? err.message : String(err));
    return Response.json({ detail: "Internal Server Error" }, { status: 500 });
  };
  return {
    app,
    fetch: (request: Request, info?: Deno.ServeHandlerInfo) =>
      step(request, info)?.catch(unexpected) ?? app.fetch(request, info),
    store,
    metrics,
    options,
    ingestStore,
    vectorPool,
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
      vectorPool?.close();
    },
  };
}
