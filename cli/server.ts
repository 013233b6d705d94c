/**
 * The `deno serve` entry point of the alert-triage server (options from `ALERT_TRIAGE_*`
 * environment variables, see `src/server/server_config.ts` and `src/ingest/ingest_config.ts`), as `deno task start` runs
 * it (`cli/start.ts` picks the address from `--port`/`--host`, `ALERT_TRIAGE_PORT`/`PORT` and
 * `ALERT_TRIAGE_HOST`/`HOST`, and names exactly that address in `--allow-net`); with the defaults:
 *
 * ```sh
 * deno serve --port 8000 --host 0.0.0.0 --allow-net=0.0.0.0:8000 --allow-env=ALERT_TRIAGE_* \
 *   --allow-read=./data --allow-write=./data cli/server.ts
 * ```
 *
 * The read/write permissions cover only the alert store of `/ingest/*` (Deno KV, default
 * `./data/ingest.kv`; `"unstable": ["kv"]` in deno.json enables it). A store elsewhere
 * (`ALERT_TRIAGE_KV_PATH`) needs those flags widened to its directory; without them the ingest
 * routes and replay resets answer 503 and the rest of the server is unaffected. Ingest request
 * log lines (JSON) go to stdout.
 *
 * Sessions live in memory: do not use `--parallel`; run several processes behind a sticky load
 * balancer to scale out.
 *
 * `deno serve` has no header, body or idle timeouts of its own (a half-sent request head or an
 * idle keep-alive connection is held forever): expose it behind a reverse proxy with such
 * timeouts, or run `cli/server_compiled.ts`, which serves the same app behind the connection
 * guard (`src/server/conn_guard.ts`).
 *
 * @module
 */
import { createApp } from "../src/server/app.ts";
import { serverOptionsOrExit } from "./_usage.ts";

const server = createApp({
  ...serverOptionsOrExit(),
  ingest: { log: (line) => console.log(line) },
});
server.startReaper();
if (server.vectorPool) {
  // vector workers would keep the process alive after deno serve's graceful shutdown: stop them
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => server.vectorPool?.close());
  }
}

/** The request handler `deno serve` calls. */
export default { fetch: server.fetch } satisfies Deno.ServeDefaultExport;
