/**
 * The server as a command (what `deno task compile` builds into one binary):
 *
 * ```sh
 * deno run --allow-net --allow-env=ALERT_TRIAGE_* --allow-read=./data --allow-write=./data \
 *   cli/server_compiled.ts [--port 8000] [--host 0.0.0.0]
 * ./dist/alert-triage-server --port 8000
 * ```
 *
 * Options besides the address come from the `ALERT_TRIAGE_*` environment variables (see
 * `src/server/server_config.ts`); the read/write permissions are only for the `/ingest/*` alert store
 * (`./data/ingest.kv` by default, see `server.ts`): without them (as `deno task compile` builds
 * the binary) the ingest routes and replay resets answer 503 and the rest works. Sessions live
 * in memory: scale out with several processes behind a sticky load balancer.
 *
 * @module
 */
import { createApp } from "../src/server/app.ts";
import { serveGuarded } from "../src/server/conn_guard.ts";
import { EXIT_OK, EXIT_USAGE, serverOptionsOrExit } from "./_usage.ts";

/** Parsed command line. */
export interface ServeArgs {
  /** Port to listen on. */
  port: number;
  /** Interface to listen on. */
  hostname: string;
}

/** Parses `--port N` / `--host H` (also `--port=N`); throws on anything else. */
export function parseServeArgs(args: readonly string[]): ServeArgs {
  const out: ServeArgs = { port: 8000, hostname: "0.0.0.0" };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split("=", 2);
    const value = inline ?? args[++i];
    if (flag === "--port") {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new RangeError(`--port must be 0..65535, got ${value}`);
      }
      out.port = port;
    } else if (flag === "--host") {
      if (!value) throw new RangeError("--host needs a value");
      out.hostname = value;
    } else {
      throw new RangeError(`unknown argument ${args[i]}; usage: [--port 8000] [--host 0.0.0.0]`);
    }
  }
  return out;
}

/** The usage text of the server command (and of the compiled binary). */
export const SERVE_USAGE = `Usage: alert-triage-server [--port 8000] [--host 0.0.0.0]
  (or: deno run --allow-net --allow-env=ALERT_TRIAGE_* cli/server_compiled.ts [options])
  --port N    port to listen on (default 8000; 0 picks a free one)
  --host H    interface to listen on (default 0.0.0.0)
  -h, --help  this text
Server options come from the ALERT_TRIAGE_* environment variables (see the README).`;

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(SERVE_USAGE);
    Deno.exit(EXIT_OK);
  }
  let args: ServeArgs;
  try {
    args = parseServeArgs(Deno.args);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${SERVE_USAGE}`);
    Deno.exit(EXIT_USAGE);
  }
  const options = serverOptionsOrExit();
  const server = createApp({ ...options, ingest: { log: (line) => console.log(line) } });
  server.startReaper();
  const guarded = serveGuarded(server.fetch, {
    port: args.port,
    hostname: args.hostname,
    requestTimeoutMs: options.requestTimeoutSeconds * 1000,
    idleTimeoutMs: options.keepAliveTimeoutSeconds * 1000,
    maxFrameBytes: options.maxBodyBytes,
    onListen: ({ hostname, port }) =>
      console.error(`alert-triage: listening on http://${hostname}:${port}/`),
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, async () => {
      await guarded.shutdown();
      server.close();
      Deno.exit(0);
    });
  }
}
