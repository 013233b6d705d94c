/**
 * The `deno serve` entry point of the alert-triage server (options from `ALERT_TRIAGE_*`
 * environment variables, see `config.ts`):
 *
 * ```sh
 * deno serve --port 8000 --host 0.0.0.0 --allow-net --allow-env=ALERT_TRIAGE_* src/server/main.ts
 * ```
 *
 * Sessions live in memory: do not use `--parallel`; run several processes behind a sticky load
 * balancer to scale out.
 *
 * @module
 */
import { createApp } from "./app.ts";
import { optionsFromEnv } from "./config.ts";

const server = createApp(optionsFromEnv());
server.startReaper();

/** The request handler `deno serve` calls. */
export default { fetch: server.fetch } satisfies Deno.ServeDefaultExport;
