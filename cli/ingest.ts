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
import { EXIT_OK } from "./_usage.ts";

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
    Deno.exit(EXIT_OK);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}
