/**
 * The standalone ingest server as a command: only the `/ingest/*` routes over the configured
 * store (see `src/ingest/serve_ingest.ts`), for running ingestion on its own, the durability
 * script and the throughput bench.
 *
 * ```sh
 * ALERT_TRIAGE_KV_PATH=./data/ingest.kv ALERT_TRIAGE_INGEST_TOKEN=s3cret \
 *   deno run --unstable-kv --allow-net --allow-env --allow-read --allow-write \
 *   cli/ingest.ts --port 8100 [--host 127.0.0.1] [--quiet]
 * ```
 * Prints `ingest listening on http://HOST:PORT` once ready; SIGTERM/SIGINT shut it down
 * gracefully (in-flight requests finish, the store is closed).
 *
 * @example
 * ```ts
 * // What `scripts/ingest/spawn_ingest.ts` does: run the command as a child process.
 * const child = new Deno.Command(Deno.execPath(), {
 *   args: ["run", "-A", "cli/ingest.ts", "--port", "8100", "--quiet"],
 *   env: { ALERT_TRIAGE_KV_PATH: ":memory:" },
 *   stdout: "piped",
 * }).spawn();
 * child.kill("SIGTERM");
 * await child.status;
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { serveIngest } from "../src/ingest/serve_ingest.ts";
import { errorMessage, EXIT_OK, EXIT_USAGE } from "./_usage.ts";

/** The usage text of the standalone ingest server. */
export const INGEST_USAGE =
  `Usage: deno run --unstable-kv --allow-net --allow-env --allow-read --allow-write \\
  cli/ingest.ts [--port 8100] [--host 127.0.0.1] [--quiet]
  --port N    port to listen on (default 8100; 0 picks a free one)
  --host H    interface to listen on (default 127.0.0.1)
  --quiet     no request log lines
  -h, --help  this text
The store and token come from ALERT_TRIAGE_KV_PATH, ALERT_TRIAGE_INGEST_TOKEN (see the README).`;

if (import.meta.main) {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        port: { type: "string", default: "8100" },
        host: { type: "string", default: "127.0.0.1" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`error: ${errorMessage(e)}\n\n${INGEST_USAGE}`);
    Deno.exit(EXIT_USAGE);
  }
  if (values.help) {
    console.log(INGEST_USAGE);
    Deno.exit(EXIT_OK);
  }
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
    Deno.exit(EXIT_OK);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
