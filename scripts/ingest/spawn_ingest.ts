/**
 * Spawning the standalone ingest server as a child process, for the durability script and the
 * ingest throughput bench.
 *
 * @module
 */

const SERVE = new URL("../../cli/ingest.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/**
 * A free TCP port on 127.0.0.1 (bound and released).
 *
 * @example
 * ```ts
 * import { freePort } from "./spawn_ingest.ts";
 * console.assert(freePort() > 0);
 * ```
 */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * ```ts
 * import { sleep } from "./spawn_ingest.ts";
 * await sleep(1);
 * ```
 */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The standalone ingest server (`cli/ingest.ts`) as a child process on a fixed
 * port and KV file, so it can be SIGKILLed and restarted on the same address and data.
 *
 * @example
 * ```ts
 * import { freePort, IngestProcess } from "./spawn_ingest.ts";
 * const dir = await Deno.makeTempDir();
 * const server = new IngestProcess(freePort(), `${dir}/ingest.kv`, "token", 1000);
 * await server.start();
 * await server.kill("SIGTERM");
 * ```
 */
export class IngestProcess {
  #child: Deno.ChildProcess | null = null;
  /** Creates the handle (nothing runs before {@link IngestProcess.start}). */
  constructor(
    readonly port: number,
    readonly kvPath: string,
    readonly token: string,
    readonly maxBacklog: number,
  ) {}
  /** Base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** Spawns the server and waits until `GET /ingest/stats` answers 200 (15 s at most). */
  async start(): Promise<void> {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        CONFIG,
        "--unstable-kv",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
        SERVE,
        "--port",
        String(this.port),
        "--quiet",
      ],
      env: {
        ALERT_TRIAGE_KV_PATH: this.kvPath,
        ALERT_TRIAGE_INGEST_TOKEN: this.token,
        ALERT_TRIAGE_INGEST_MAX_BACKLOG: String(this.maxBacklog),
      },
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    for (let i = 0; i < 300; i++) {
      try {
        const r = await fetch(`${this.url}/ingest/stats`, {
          headers: { authorization: `Bearer ${this.token}` },
        });
        await r.body?.cancel();
        if (r.ok) return;
      } catch {
        // not up yet
      }
      await sleep(50);
    }
    throw new Error("ingest server did not come up within 15 s");
  }
  /** Sends `signal` and waits for the process to exit (no-op when not running). */
  async kill(signal: Deno.Signal): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    child.kill(signal);
    await child.status;
  }
}
