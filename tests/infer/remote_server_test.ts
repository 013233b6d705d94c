/**
 * The LLM baseline against the real alert-triage server, started as in production
 * (`deno serve … cli/server.ts`, in a subprocess) and driven over HTTP: the same seed gives
 * exactly the same evaluation lines as the in-process run. Skipped while the server entry point
 * is absent.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runInference } from "../../src/infer/inference.ts";
import { llmConfigFromEnv } from "../../src/infer/llm_config.ts";
import { startStub } from "./stub_server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = "cli/server.ts";
const hasServer = (() => {
  try {
    return Deno.statSync(ROOT + MAIN).isFile;
  } catch {
    return false;
  }
})();

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitHealthy(url: string, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server at ${url} did not become healthy`);
}

Deno.test({
  name: "deno task infer --url against the real server prints the in-process lines",
  ignore: !hasServer,
  fn: async () => {
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--allow-net",
        "--allow-env",
        "--allow-read",
        MAIN,
      ],
      cwd: ROOT,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const stub = startStub("good");
    try {
      await waitHealthy(url, child);
      const llm = {
        ...llmConfigFromEnv(() => undefined),
        baseUrl: stub.url,
        apiKey: "k",
        timeoutMs: 2_000,
      };
      const run = async (server: string | null) => {
        const lines: string[] = [];
        const { episodes } = await runInference(
          { tasks: ["easy", "medium", "hard"], seed: 8, url: server, llm },
          (l) => lines.push(l),
          () => {},
        );
        return { lines, episodes };
      };
      const remote = await run(url);
      const local = await run(null);
      assert.deepEqual(remote.lines, local.lines);
      assert.equal(remote.lines.filter((l) => l.startsWith("[END]")).length, 3);
      assert.ok(remote.episodes.every((e) => e.done && e.error === null));
      assert.deepEqual(remote.episodes.map((e) => e.success), local.episodes.map((e) => e.success));
    } finally {
      await stub.close();
      child.kill("SIGTERM");
      await child.status;
    }
  },
});
