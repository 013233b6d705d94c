/**
 * `deno task start`: chooses the address, then runs the server (`cli/server.ts`) with
 * `deno serve` and least-privilege flags whose `--allow-net` names exactly that address.
 *
 * ```sh
 * deno task start                              # http://0.0.0.0:8000
 * deno task start --port 8106 --host 127.0.0.1
 * PORT=8106 HOST=127.0.0.1 deno task start     # or ALERT_TRIAGE_PORT / ALERT_TRIAGE_HOST
 * ```
 *
 * The address comes from the flags, else `ALERT_TRIAGE_PORT`/`ALERT_TRIAGE_HOST`, else
 * `PORT`/`HOST`, else `8000` on `0.0.0.0`. The child runs
 * `deno serve --port P --host H --allow-net=H:P --allow-env=ALERT_TRIAGE_* --allow-read=./data,./policies
 * --allow-write=./data cli/server.ts` (with `--port 0`, any free port, `--allow-net=H`); SIGINT and
 * SIGTERM are passed on, and the launcher exits with the server's exit code.
 *
 * @example
 * ```ts
 * import { serveCommand, startAddress } from "./start.ts";
 * const address = startAddress([], (name) => ({ PORT: "8106" })[name]);
 * console.assert(serveCommand(address).includes("--allow-net=0.0.0.0:8106"));
 * ```
 *
 * @module
 */
import { errorMessage, EXIT_OK, EXIT_USAGE, UsageError } from "./_usage.ts";

/** The usage text of `deno task start`. */
export const START_USAGE = `Usage: deno task start [--port N] [--host H]

Runs the alert-triage server with deno serve and least privilege
(--allow-net=H:N --allow-env=ALERT_TRIAGE_* --allow-read=./data,./policies --allow-write=./data).

Options:
  --port N    port to listen on (0..65535; 0 picks a free one). Default: $ALERT_TRIAGE_PORT,
              else $PORT, else 8000
  --host H    interface to listen on. Default: $ALERT_TRIAGE_HOST, else $HOST, else 0.0.0.0
  -h, --help  this text

Server options come from the ALERT_TRIAGE_* environment variables (see the README).`;

/** Where the server listens. */
export interface StartAddress {
  /** Port (0: any free port). */
  port: number;
  /** Interface. */
  hostname: string;
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${source} must be a port 0..65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/**
 * The address from the command line and environment (`get` reads a variable); throws
 * {@link UsageError} on a bad flag or value. Returns null for `--help`.
 */
export function startAddress(
  args: readonly string[],
  get: (name: string) => string | undefined,
): StartAddress | null {
  let port: number | undefined;
  let hostname: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return null;
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag !== "--port" && flag !== "--host") {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === "") throw new UsageError(`${flag} needs a value`);
    if (flag === "--port") port = parsePort(value, "--port");
    else hostname = value;
  }
  const envVar = (...names: string[]): [string, string] | undefined => {
    for (const name of names) {
      const value = get(name);
      if (value !== undefined && value.trim() !== "") return [name, value.trim()];
    }
    return undefined;
  };
  if (port === undefined) {
    const found = envVar("ALERT_TRIAGE_PORT", "PORT");
    port = found ? parsePort(found[1], found[0]) : 8000;
  }
  hostname ??= envVar("ALERT_TRIAGE_HOST", "HOST")?.[1] ?? "0.0.0.0";
  return { port, hostname };
}

/** The `deno serve` arguments (after the executable) that serve `cli/server.ts` at `address`. */
export function serveCommand(address: StartAddress, entry = "cli/server.ts"): string[] {
  const { port, hostname } = address;
  const netHost = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  return [
    "serve",
    "--port",
    String(port),
    "--host",
    hostname,
    port === 0 ? `--allow-net=${netHost}` : `--allow-net=${netHost}:${port}`,
    "--allow-env=ALERT_TRIAGE_*",
    "--allow-read=./data,./policies",
    "--allow-write=./data",
    entry,
  ];
}

if (import.meta.main) {
  let address: StartAddress | null;
  try {
    address = startAddress(Deno.args, (name) => Deno.env.get(name));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${errorMessage(e)}\n\n${START_USAGE}`);
    Deno.exit(EXIT_USAGE);
  }
  if (address === null) {
    console.log(START_USAGE);
    Deno.exit(EXIT_OK);
  }
  const entry = new URL("./server.ts", import.meta.url).pathname;
  const child = new Deno.Command("deno", { args: serveCommand(address, entry) }).spawn();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    });
  }
  const status = await child.status;
  Deno.exit(status.code);
}
