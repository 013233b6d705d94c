/**
 * The entry points as users run them: `deno serve` of cli/server.ts with the least-privilege flags of
 * `deno task start`, and (only where the `deno compile` runtime is available) the compiled
 * binary.
 *
 * @module
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { guardMode, isLoopback, serveCommand, startAddress } from "../../cli/start.ts";
import { UsageError } from "../../cli/_usage.ts";
import { spawnServer } from "../../scripts/server/spawn.ts";
import { WsClient } from "../../scripts/server/ws_client.ts";

Deno.test({
  name:
    "deno serve cli/server.ts runs with --allow-net --allow-env=ALERT_TRIAGE_* only and reads its options",
  sanitizeResources: false,
  async fn() {
    const server = await spawnServer({ ALERT_TRIAGE_MAX_SESSIONS: "1" });
    try {
      equal((await (await fetch(server.url + "/health")).json()).status, "healthy");
      const reset = await fetch(server.url + "/reset", {
        method: "POST",
        body: "{}",
        headers: { "X-Session-Id": "one" },
      });
      equal(reset.status, 200);
      await reset.body?.cancel();
      // the cap of 1 from the environment is in force (the shared default session has a slot
      // of its own besides)
      const ws = await WsClient.connect(server.url.replace("http", "ws") + "/ws");
      equal(JSON.parse(await ws.next()).data.code, "CAPACITY_REACHED");
      await ws.closed;
      const doc = await (await fetch(server.url + "/openapi.json")).json();
      equal(doc.info.version, "0.1.0");
      ok(server.alive());
    } finally {
      await server.stop();
    }
  },
});

/** Whether `deno compile` can work offline: its runtime (denort) is cached or DENORT_BIN set. */
function compileRuntimeAvailable(): boolean {
  const bin = Deno.env.get("DENORT_BIN");
  if (bin) return true;
  const home = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;
  try {
    for (const entry of Deno.readDirSync(`${home}/dl/release/v${Deno.version.deno}`)) {
      if (entry.name.startsWith("denort-")) return true;
    }
  } catch { /* not cached */ }
  return false;
}

Deno.test({
  name: "deno task compile builds a server binary that serves /health (needs the denort runtime)",
  ignore: !compileRuntimeAvailable(),
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const out = `${dir}/alert-triage-server`;
    const root = new URL("../../", import.meta.url).pathname;
    const build = await new Deno.Command(Deno.execPath(), {
      args: [
        "compile",
        "--allow-net",
        "--allow-env=ALERT_TRIAGE_*",
        "--include",
        "src/server/vector_worker.ts",
        "--output",
        out,
        "cli/server_compiled.ts",
      ],
      cwd: root,
    }).output();
    equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const child = new Deno.Command(out, {
      args: ["--port", "0", "--host", "127.0.0.1"],
      stderr: "piped",
    }).spawn();
    try {
      const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (!/:(\d+)\//.test(seen)) seen += (await reader.read()).value ?? "";
      const port = /:(\d+)\//.exec(seen)![1];
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      equal((await res.json()).status, "healthy");
      reader.releaseLock();
    } finally {
      child.kill();
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** A port that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("startAddress: flags, then ALERT_TRIAGE_PORT/HOST, then PORT/HOST, then 0.0.0.0:8000", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  deepEqual(startAddress([], env({})), { port: 8000, hostname: "0.0.0.0" });
  deepEqual(startAddress([], env({ PORT: "8106", HOST: "127.0.0.1" })), {
    port: 8106,
    hostname: "127.0.0.1",
  });
  deepEqual(
    startAddress([], env({ PORT: "1", HOST: "a", ALERT_TRIAGE_PORT: "2", ALERT_TRIAGE_HOST: "b" })),
    { port: 2, hostname: "b" },
  );
  deepEqual(startAddress(["--port", "8106", "--host=::1"], env({ PORT: "1" })), {
    port: 8106,
    hostname: "::1",
  });
  equal(startAddress(["--help"], env({})), null);
  throws(() => startAddress(["--port", "x"], env({})), UsageError);
  throws(() => startAddress([], env({ PORT: "70000" })), /PORT must be a port/);
  throws(() => startAddress(["8000"], env({})), UsageError);
  // --allow-net names exactly the address (any port of the host only for port 0)
  const args = serveCommand({ port: 8106, hostname: "127.0.0.1" });
  ok(args.includes("--allow-net=127.0.0.1:8106") && args.includes("--port"));
  ok(serveCommand({ port: 8106, hostname: "::1" }).includes("--allow-net=[::1]:8106"));
  ok(serveCommand({ port: 0, hostname: "127.0.0.1" }).includes("--allow-net=127.0.0.1"));
});

Deno.test("the guard runs on every interface but loopback unless --guard/ALERT_TRIAGE_GUARD say", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]) ok(isLoopback(h), h);
  for (const h of ["0.0.0.0", "::", "10.0.0.1", "example.org"]) ok(!isLoopback(h), h);
  equal(guardMode([], env({})), "auto");
  equal(guardMode([], env({ ALERT_TRIAGE_GUARD: "off" })), "off");
  equal(guardMode(["--guard", "on"], env({ ALERT_TRIAGE_GUARD: "off" })), "on");
  equal(guardMode(["--guard=off"], env({})), "off");
  throws(() => guardMode(["--guard", "maybe"], env({})), /--guard must be auto, on or off/);
  throws(() => guardMode([], env({ ALERT_TRIAGE_GUARD: "1" })), /ALERT_TRIAGE_GUARD must be/);
  // --guard is not mistaken for an address flag
  deepEqual(startAddress(["--guard", "on", "--port", "9"], env({})), {
    port: 9,
    hostname: "0.0.0.0",
  });
  const guarded = serveCommand(
    { port: 8106, hostname: "0.0.0.0" },
    "cli/server_compiled.ts",
    { guarded: true, cachedOnly: true },
  );
  deepEqual(guarded, [
    "run",
    "--cached-only",
    "--allow-net=0.0.0.0:8106,127.0.0.1",
    "--allow-env=ALERT_TRIAGE_*",
    "--allow-read=./data,./policies",
    "--allow-write=./data",
    "cli/server_compiled.ts",
    "--port",
    "8106",
    "--host",
    "0.0.0.0",
  ]);
});

/**
 * Runs `deno task start` with `args` and `env`, waits until it says it listens on
 * 127.0.0.1:`port` (`deno serve` says "Listening", the guarded server "listening"), runs `fn`,
 * then stops it with SIGTERM and waits for it.
 */
async function withTaskStart(
  args: string[],
  env: Record<string, string>,
  port: number,
  fn: () => Promise<void>,
): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "start", ...args],
    cwd: new URL("../../", import.meta.url).pathname,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let seen = "";
    while (!seen.toLowerCase().includes(`listening on http://127.0.0.1:${port}/`)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`deno task start exited: ${seen}`);
      seen += value;
    }
    await fn();
  } finally {
    child.kill("SIGTERM");
    (async () => {
      while (!(await reader.read()).done) { /* drain */ }
    })().catch(() => {});
    await child.status;
  }
}

Deno.test({
  name: "deno task start listens on PORT/HOST from the environment (and on --port)",
  sanitizeResources: false,
  async fn() {
    // the environment alone; then flags, which win over PORT/HOST
    const cases: {
      env: (port: number) => Record<string, string>;
      flags: (port: number) => string[];
    }[] = [
      { env: (p) => ({ PORT: String(p), HOST: "127.0.0.1" }), flags: () => [] },
      {
        env: () => ({ PORT: "1", HOST: "0.0.0.0" }),
        flags: (p) => ["--port", String(p), "--host", "127.0.0.1"],
      },
    ];
    for (const { env, flags } of cases) {
      const port = freePort();
      await withTaskStart(flags(port), env(port), port, async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        equal((await res.json()).status, "healthy");
      });
      // the launcher passed SIGTERM on: nothing listens any more
      await new Promise((r) => setTimeout(r, 200));
      let refused = false;
      try {
        await fetch(`http://127.0.0.1:${port}/health`);
      } catch {
        refused = true;
      }
      ok(refused, "the server outlived deno task start");
    }
  },
});

Deno.test({
  name: "deno task start --guard on runs the guarded server: a silent connection is dropped",
  sanitizeResources: false,
  async fn() {
    const port = freePort();
    const args = ["--guard", "on", "--host", "127.0.0.1", "--port", String(port)];
    await withTaskStart(args, { ALERT_TRIAGE_REQUEST_TIMEOUT_SECONDS: "1" }, port, async () => {
      equal((await (await fetch(`http://127.0.0.1:${port}/health`)).json()).status, "healthy");
      // half a request head, then silence: the guard drops it after the 1 s request deadline
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(new TextEncoder().encode("GET /health HTTP/1.1\r\n"));
      const started = Date.now();
      const n = await conn.read(new Uint8Array(64)).catch(() => null);
      equal(n, null);
      const waited = Date.now() - started;
      ok(waited >= 900 && waited < 5000, `dropped after ${waited} ms`);
      conn.close();
    });
  },
});
