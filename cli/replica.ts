/**
 * The `deno serve` entry point of one server replica behind a balancer (`deno task cluster`,
 * `deploy/`): the server of `cli/server.ts`, except that its alert store is the one ingest
 * service named by `ALERT_TRIAGE_INGEST_URL` (read over HTTP, `src/ingest/remote_store.ts`), so
 * every replica replays the same alerts and no replica opens a Deno KV file of its own.
 *
 * ```sh
 * ALERT_TRIAGE_INGEST_URL=http://127.0.0.1:8100 ALERT_TRIAGE_INGEST_TOKEN=s3cret \
 *   deno serve --port 8101 --host 127.0.0.1 --allow-net=127.0.0.1 \
 *   --allow-env=ALERT_TRIAGE_* cli/replica.ts
 * ```
 *
 * Without `ALERT_TRIAGE_INGEST_URL` it is exactly `cli/server.ts` (its own store). Sessions live
 * in the replica's memory: the balancer pins each one to a replica (see `deploy/haproxy.cfg`).
 *
 * @module
 */
import { RemoteIngestStore } from "../src/ingest/remote_store.ts";
import { ingestConfigFromEnv } from "../src/ingest/ingest_config.ts";
import { createApp } from "../src/server/app.ts";
import { serverOptionsOrExit } from "./_usage.ts";

/** The variable naming the ingest service a replica reads its alerts from. */
export const INGEST_URL_VAR = "ALERT_TRIAGE_INGEST_URL";

const ingestUrl = Deno.env.get(INGEST_URL_VAR)?.trim();
const log = (line: string) => console.log(line);
const server = createApp({
  ...serverOptionsOrExit(),
  ingest: ingestUrl
    ? {
      log,
      store: () => RemoteIngestStore.connect(ingestUrl, { token: ingestConfigFromEnv().token }),
    }
    : { log },
});
server.startReaper();

/** The request handler `deno serve` calls. */
export default { fetch: server.fetch } satisfies Deno.ServeDefaultExport;
