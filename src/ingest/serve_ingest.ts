/**
 * A standalone ingest server: only the `/ingest/*` routes over the configured store, for running
 * ingestion on its own, the durability script and the throughput bench.
 *
 * ```sh
 * ALERT_TRIAGE_KV_PATH=./data/ingest.kv ALERT_TRIAGE_INGEST_TOKEN=s3cret \
 *   deno run --unstable-kv --allow-net --allow-env --allow-read --allow-write \
 *   src/ingest/serve_ingest.ts --port 8100 [--host 127.0.0.1] [--quiet]
 * ```
 * Prints `ingest listening on http://HOST:PORT` once ready; SIGTERM/SIGINT shut it down
 * gracefully (in-flight requests finish, the store is closed).
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
import { parseArgs } from "node:util";
import { type IngestConfig, ingestConfigFromEnv } from "./ingest_config.ts";
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

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "8100" },
      host: { type: "string", default: "127.0.0.1" },
      quiet: { type: "boolean", default: false },
    },
  });
  const running = await serveIngest({
    port: Number(values.port),
    hostname: values.host,
    log: values.quiet ? () => {} : undefined,
  });
  console.log(`ingest listening on ${running.url}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
