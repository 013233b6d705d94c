/**
 * The entry points as users run them: `deno serve` of cli/server.ts with the least-privilege flags of
 * `deno task start`, and (only where the `deno compile` runtime is available) the compiled
 * binary.
 *
 * @module
 */
import { equal, ok } from "node:assert/strict";
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
      const reset = await fetch(server.url + "/reset", { method: "POST", body: "{}" });
      equal(reset.status, 200);
      await reset.body?.cancel();
      // the cap of 1 from the environment is in force
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
