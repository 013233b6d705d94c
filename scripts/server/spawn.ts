/**
 * Starts the server as a separate `deno serve` process with the same least-privilege flags as
 * `deno task start`, on a free port, and stops it. Used by the load, fuzz and benchmark scripts
 * (a separate process: a crash shows, and client and server do not share a thread).
 *
 * @example
 * ```ts
 * import { spawnServer } from "./spawn.ts";
 * const server = await spawnServer({ ALERT_TRIAGE_MAX_SESSIONS: "300" });
 * console.log(server.url);
 * await server.stop();
 * ```
 *
 * @module
 */

/** A server process. */
export interface ServerProcess {
  /** Base URL (`http://127.0.0.1:PORT`). */
  url: string;
  /** The process. */
  process: Deno.ChildProcess;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Stops the process and waits for it. */
  stop(): Promise<void>;
}

import { vectorWorkerReads } from "../../src/server/vector_worker_files.ts";

const HERE = new URL("../../", import.meta.url).pathname;

/**
 * Spawns `deno serve` on port 0 (with `guarded`: `cli/server_compiled.ts`, the server behind
 * the connection guard, see `src/server/conn_guard.ts`) and resolves once it listens. `root`
 * serves another checkout's server (a `git worktree` of an earlier commit, for A/B runs).
 */
export async function spawnServer(
  env: Record<string, string> = {},
  { guarded = false, root = HERE }: { guarded?: boolean; root?: string } = {},
): Promise<ServerProcess> {
  const ROOT = root.endsWith("/") ? root : `${root}/`;
  const ENTRY = `${ROOT}cli/server.ts`;
  const GUARDED_ENTRY = `${ROOT}cli/server_compiled.ts`;
  const reads = vectorWorkerReads((name) => env[name], ROOT); // as `deno task start` grants
  const perms = [
    "--allow-net",
    "--allow-env=ALERT_TRIAGE_*",
    `--allow-read=${["./data", ...reads].join(",")}`,
    "--allow-write=./data",
  ];
  const args = guarded
    ? ["run", ...perms, GUARDED_ENTRY, "--port", "0", "--host", "127.0.0.1"]
    : ["serve", "--port", "0", "--host", "127.0.0.1", ...perms, ENTRY];
  const process = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let running = true;
  const status = process.status.then((s) => {
    running = false;
    return s;
  });
  const reader = process.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 60000;
  for (;;) {
    const match = /listening on http:\/\/[^:]+:(\d+)/i.exec(seen);
    if (match) {
      // Keep draining stderr so the child never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })().catch(() => {});
      const url = `http://127.0.0.1:${match[1]}`;
      return {
        url,
        process,
        alive: () => running,
        async stop() {
          if (!running) return void await status;
          process.kill("SIGTERM");
          // deno serve drains open connections on SIGTERM; do not wait for idle keep-alives.
          const timer = setTimeout(() => running && process.kill("SIGKILL"), 1000);
          await status;
          clearTimeout(timer);
        },
      };
    }
    const { value, done } = await reader.read();
    if (done || Date.now() > deadline) {
      if (running) process.kill("SIGTERM");
      await status;
      throw new Error(`server did not start:\n${seen}`);
    }
    seen += value;
  }
}
