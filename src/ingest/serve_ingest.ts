/**
 * A standalone ingest server: only the `/ingest/*` routes over the configured store, for running
 * ingestion on its own, the durability script and the throughput bench, plus the replay feed
 * `GET /ingest/replay` (`replay_feed.ts`) that server replicas read the one shared store from.
 * Its command is `cli/ingest.ts`.
 *
 * @example
 * ```ts
 * import { serveIngest } from "./serve_ingest.ts";
 * const s = await serveIngest({ port: 0, config: { kvPath: ":memory:" }, log: () => {} });
 * const res = await fetch(`${s.url}/ingest/stats`);
 * console.assert(res.status === 200);
 * await res.body?.cancel();
 * await s.shutdown();
 * ```
 *
 * @module
 */
import { type IngestConfig, ingestConfigFromEnv } from "./ingest_config.ts";
import { createReplayFeedApp } from "./replay_feed.ts";
import { createIngestApp } from "./routes.ts";
import { IngestStore } from "./store.ts";

/** Options of {@link serveIngest}. */
export interface ServeIngestOptions {
  /** Port (0: any free port). */
  port: number;
  /** Interface to bind (default 127.0.0.1). */
  hostname?: string;
  /** Settings over the environment's. */
  config?: Partial<IngestConfig>;
  /** Request log lines (default `console.log`). */
  log?: (line: string) => void;
}

/** A running ingest server. */
export interface RunningIngest {
  /** Base URL, e.g. `http://127.0.0.1:8100`. */
  url: string;
  /** Its store. */
  store: IngestStore;
  /** Stops accepting, finishes in-flight requests, closes the store. */
  shutdown(): Promise<void>;
}

/**
 * Opens the store and serves the ingest sub-app on `hostname:port`.
 *
 * @example
 * ```ts
 * import { serveIngest } from "./serve_ingest.ts";
 * const s = await serveIngest({ port: 0, config: { kvPath: ":memory:" } });
 * console.log(s.url);
 * await s.shutdown();
 * ```
 */
export async function serveIngest(options: ServeIngestOptions): Promise<RunningIngest> {
  const config = { ...ingestConfigFromEnv(), ...options.config };
  const store = await IngestStore.open(config.kvPath, { maxBacklog: config.maxBacklog });
  const app = createIngestApp({ store, config, log: options.log });
  // The replay feed: how server replicas read this one store (`remote_store.ts`).
  app.route(
    "/",
    createReplayFeedApp({ openStore: () => Promise.resolve(store), token: config.token }),
  );
  const server = Deno.serve({
    port: options.port,
    hostname: options.hostname ?? "127.0.0.1",
    onListen: () => {},
  }, app.fetch);
  return {
    url: `http://${server.addr.hostname}:${server.addr.port}`,
    store,
    async shutdown() {
      await server.shutdown();
      store.close();
    },
  };
}
