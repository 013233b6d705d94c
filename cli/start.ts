/**
 * `deno task start`: chooses the address, then runs the server with least-privilege flags whose
 * `--allow-net` names exactly that address: behind the connection guard
 * (`cli/server_compiled.ts`, which drops slow and idle connections; `Deno.serve` has no such
 * deadlines) on any interface but loopback, directly under `deno serve` (`cli/server.ts`, about
 * twice the WebSocket throughput per CPU) on loopback, where the clients are local processes.
 *
 * ```sh
 * deno task start                              # http://0.0.0.0:8000, guarded
 * deno task start --port 8106 --host 127.0.0.1 # loopback: deno serve, no guard
 * PORT=8106 HOST=127.0.0.1 deno task start     # or ALERT_TRIAGE_PORT / ALERT_TRIAGE_HOST
 * deno task start --guard off                  # behind a proxy with its own timeouts (HAProxy)
 * ```
 *
 * The address comes from the flags, else `ALERT_TRIAGE_PORT`/`ALERT_TRIAGE_HOST`, else
 * `PORT`/`HOST`, else `8000` on `0.0.0.0`. The child runs
 * `deno serve --port P --host H --allow-net=H:P --allow-env=ALERT_TRIAGE_* --allow-read=./data,./policies
 * --allow-write=./data cli/server.ts` (with `--port 0`, any free port, `--allow-net=H`), or guarded
 * `deno run <the same permissions, --allow-net adding 127.0.0.1> cli/server_compiled.ts --port P
 * --host H` (`--guard`, else `ALERT_TRIAGE_GUARD`: `auto`, `on` or `off`); SIGINT and
 * SIGTERM are passed on, and the launcher exits with the server's exit code. The alert store
 * `ALERT_TRIAGE_KV_PATH` widens those flags to what it needs (see {@link kvPermissions}): a file
 * outside `./data` its directory, a remote KV URL its host and `DENO_KV_ACCESS_TOKEN`.
 * `ALERT_TRIAGE_VECTOR_WORKERS` (vector workers) adds read access to the files the workers load
 * (`vectorWorkerReads` in `src/server/vector_worker_files.ts`).
 * `--cached-only` is passed on to `deno` (the container image: never download at start).
 * `--print` prints the `deno` arguments one per line instead of running them, for a wrapper that
 * `exec`s them so that the server is the only deno process (the container image's command).
 *
 * @example
 * ```ts
 * import { guardMode, isLoopback, kvPermissions, serveCommand, startAddress } from "./start.ts";
 * const address = startAddress([], (name) => ({ PORT: "8106" })[name])!;
 * console.assert(serveCommand(address).includes("--allow-net=0.0.0.0:8106"));
 * console.assert(guardMode([], () => undefined) === "auto" && !isLoopback(address.hostname));
 * const guarded = serveCommand(address, "cli/server_compiled.ts", { guarded: true });
 * console.assert(guarded[0] === "run" && guarded.includes("--allow-net=0.0.0.0:8106,127.0.0.1"));
 * const kv = kvPermissions((name) => ({ ALERT_TRIAGE_KV_PATH: "https://kv.example" })[name]);
 * const args = serveCommand(address, undefined, { kv, cachedOnly: true });
 * console.assert(args.includes("--allow-net=0.0.0.0:8106,kv.example"));
 * ```
 *
 * @module
 */
import { errorMessage, EXIT_OK, EXIT_USAGE, UsageError } from "./_usage.ts";
import { vectorWorkerReads } from "../src/server/vector_worker_files.ts";

/** The usage text of `deno task start`. */
export const START_USAGE =
  `Usage: deno task start [--port N] [--host H] [--guard auto|on|off] [--cached-only] [--print]

Runs the alert-triage server with least privilege (--allow-net=H:N --allow-env=ALERT_TRIAGE_*
--allow-read=./data,./policies --allow-write=./data): behind the connection guard (header, body and
idle keep-alive deadlines; cli/server_compiled.ts) or directly under deno serve (no connection
deadlines; about twice the WebSocket throughput per CPU).

Options:
  --port N       port to listen on (0..65535; 0 picks a free one). Default: $ALERT_TRIAGE_PORT,
                 else $PORT, else 8000
  --host H       interface to listen on. Default: $ALERT_TRIAGE_HOST, else $HOST, else 0.0.0.0
  --guard G      auto (default: guarded unless H is a loopback address), on or off.
                 Default: $ALERT_TRIAGE_GUARD, else auto
  --cached-only  pass --cached-only to deno (never download dependencies)
  --print        print the deno arguments, one per line, instead of running the server
  -h, --help     this text

Server options come from the ALERT_TRIAGE_* environment variables (see the README). An alert store
(ALERT_TRIAGE_KV_PATH) outside ./data or on a remote KV widens the permissions to reach it;
vector workers (ALERT_TRIAGE_VECTOR_WORKERS) add read access to the modules the workers load.`;

/** Where the server listens. */
export interface StartAddress {
  /** Port (0: any free port). */
  port: number;
  /** Interface. */
  hostname: string;
}

/** Whether the connection guard runs: `auto` guards every interface but loopback. */
export type GuardMode = "auto" | "on" | "off";

/** Whether `hostname` is a loopback interface (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The guard mode from `--guard` (or `--guard=`) in `args`, else `ALERT_TRIAGE_GUARD`, else
 * `auto`; throws {@link UsageError} on another value.
 */
export function guardMode(
  args: readonly string[],
  get: (name: string) => string | undefined,
): GuardMode {
  let value: string | undefined;
  let source = "--guard";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--guard") value = args[++i];
    else if (args[i].startsWith("--guard=")) value = args[i].slice("--guard=".length);
  }
  if (value === undefined) {
    value = get("ALERT_TRIAGE_GUARD")?.trim() || "auto";
    source = "ALERT_TRIAGE_GUARD";
  }
  if (value !== "auto" && value !== "on" && value !== "off") {
    throw new UsageError(`${source} must be auto, on or off, got ${JSON.stringify(value)}`);
  }
  return value;
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
    if (arg === "--cached-only" || arg === "--print") continue; // read by the launcher itself
    if (arg === "--guard") { // read by guardMode
      i++;
      continue;
    }
    if (arg.startsWith("--guard=")) continue;
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

/** What the alert store needs beyond `./data` (see {@link kvPermissions}). */
export interface KvPermissions {
  /** Extra `--allow-net` hosts (`host` or `host:port`). */
  net: string[];
  /** Extra `--allow-env` variables. */
  env: string[];
  /** Extra directories for `--allow-read` and `--allow-write`. */
  paths: string[];
}

/**
 * The permissions the alert store `ALERT_TRIAGE_KV_PATH` needs beyond `./data` (`get` reads a
 * variable): none for the default `./data/ingest.kv`, `:memory:` or another file under `./data`;
 * the directory of a file elsewhere; for a remote KV URL (`http(s)://`) its host and
 * `DENO_KV_ACCESS_TOKEN`, plus the hosts listed in `ALERT_TRIAGE_KV_ALLOW_NET` (comma-separated:
 * the data endpoints a KV Connect server names on other hosts, as Deno Deploy's managed KV does).
 * Throws {@link UsageError} for a malformed KV URL or a path with a comma.
 */
export function kvPermissions(get: (name: string) => string | undefined): KvPermissions {
  const kvPath = get("ALERT_TRIAGE_KV_PATH")?.trim() || "./data/ingest.kv";
  const extraNet = (get("ALERT_TRIAGE_KV_ALLOW_NET") ?? "").split(",").map((h) => h.trim())
    .filter((h) => h !== "");
  if (/^https?:\/\//i.test(kvPath)) {
    let host: string;
    try {
      host = new URL(kvPath).host;
    } catch {
      throw new UsageError(`ALERT_TRIAGE_KV_PATH is not a valid URL: ${JSON.stringify(kvPath)}`);
    }
    return { net: [host, ...extraNet], env: ["DENO_KV_ACCESS_TOKEN"], paths: [] };
  }
  if (kvPath === ":memory:") return { net: extraNet, env: [], paths: [] };
  if (kvPath.includes(",")) {
    // the permission flags are comma-separated lists: a comma would grant other paths
    throw new UsageError(
      `ALERT_TRIAGE_KV_PATH must not contain a comma: ${JSON.stringify(kvPath)}`,
    );
  }
  const slash = kvPath.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : kvPath.slice(0, slash);
  const insideData = /^(\.\/)?data(\/|$)/.test(dir);
  return { net: extraNet, env: [], paths: insideData ? [] : [dir] };
}

/** Extras of {@link serveCommand}. */
export interface ServeExtras {
  /** Pass `--cached-only` (never download dependencies at start). */
  cachedOnly?: boolean;
  /** What the alert store needs beyond `./data` ({@link kvPermissions}). */
  kv?: KvPermissions;
  /**
   * Run `entry` as the guarded server (`deno run entry --port P --host H`, where `entry` is
   * `cli/server_compiled.ts`) instead of under `deno serve`; `--allow-net` then also names
   * `127.0.0.1`, the guard's private hop to the app.
   */
  guarded?: boolean;
  /** Extra read-only paths (the vector workers' modules: `vectorWorkerReads`). */
  reads?: string[];
}

/**
 * The `deno` arguments (after the executable) that serve `cli/server.ts` at `address` with
 * `deno serve`, or with {@link ServeExtras.guarded} run `cli/server_compiled.ts` (the guard).
 */
export function serveCommand(
  address: StartAddress,
  entry = "cli/server.ts",
  extras: ServeExtras = {},
): string[] {
  const { port, hostname } = address;
  const kv = extras.kv ?? { net: [], env: [], paths: [] };
  const netHost = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  const listen = port === 0 ? netHost : `${netHost}:${port}`;
  const hop = extras.guarded && listen !== "127.0.0.1" ? ["127.0.0.1"] : [];
  const net = [listen, ...hop, ...kv.net].join(",");
  const files = ["./data", ...kv.paths].join(",");
  const permissions = [
    `--allow-net=${net}`,
    ["--allow-env=ALERT_TRIAGE_*", ...kv.env].join(","),
    // ./policies: the agents of the web console's watch mode; reads: the vector workers' modules
    `--allow-read=${[files, "./policies", ...(extras.reads ?? [])].join(",")}`,
    `--allow-write=${files}`,
  ];
  const cached = extras.cachedOnly ? ["--cached-only"] : [];
  if (extras.guarded) {
    return ["run", ...cached, ...permissions, entry, "--port", String(port), "--host", hostname];
  }
  return ["serve", ...cached, "--port", String(port), "--host", hostname, ...permissions, entry];
}

/** The repository the launcher belongs to (absolute, ending in `/`). */
const ROOT = new URL("../", import.meta.url).pathname;

if (import.meta.main) {
  let address: StartAddress | null;
  let kv: KvPermissions;
  let guard: GuardMode;
  let reads: string[];
  try {
    address = startAddress(Deno.args, (name) => Deno.env.get(name));
    kv = kvPermissions((name) => Deno.env.get(name));
    guard = guardMode(Deno.args, (name) => Deno.env.get(name));
    try {
      reads = vectorWorkerReads((name) => Deno.env.get(name), ROOT);
    } catch (e) {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${errorMessage(e)}\n\n${START_USAGE}`);
    Deno.exit(EXIT_USAGE);
  }
  if (address === null) {
    console.log(START_USAGE);
    Deno.exit(EXIT_OK);
  }
  const guarded = guard === "on" || (guard === "auto" && !isLoopback(address.hostname));
  const entry = new URL(guarded ? "./server_compiled.ts" : "./server.ts", import.meta.url).pathname;
  const cachedOnly = Deno.args.includes("--cached-only");
  const args = serveCommand(address, entry, { cachedOnly, kv, guarded, reads });
  if (Deno.args.includes("--print")) {
    if (args.some((arg) => arg.includes("\n"))) {
      console.error("error: an argument contains a line break; it cannot be printed one per line");
      Deno.exit(EXIT_USAGE);
    }
    console.log(args.join("\n"));
    Deno.exit(EXIT_OK);
  }
  const child = new Deno.Command("deno", { args }).spawn();
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
