/**
 * `ALERT_TRIAGE_VECTOR_WORKERS`: how the value is read, the read permission the launcher grants
 * for the workers' modules (exactly the worker's module graph), and `deno task start` (both
 * the `deno serve` path and the guarded one) starting a server whose workers load under least
 * privilege and shard a session (seen through `/metrics`).
 *
 * @module
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  ENV_VARS,
  MAX_VECTOR_WORKERS,
  optionsFromEnv,
  vectorWorkersVar,
} from "../../src/server/server_config.ts";
import { VECTOR_WORKER_FILES, vectorWorkerReads } from "../../src/server/vector_worker_files.ts";
import { serveCommand } from "../../cli/start.ts";
import { encodeStepRequest } from "../../src/learn/vector_wire.ts";
import { openVectorSocket } from "./helpers.ts";
import { SHARD_MIN_ENVS } from "../../src/server/ws_vector.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const env = (value: string | undefined) => (name: string) =>
  name === ENV_VARS.vectorWorkers ? value : undefined;

Deno.test("ALERT_TRIAGE_VECTOR_WORKERS: 0 by default, a whole number, or auto; anything else names the variable", () => {
  equal(optionsFromEnv(env(undefined)).vectorWorkers, 0);
  equal(vectorWorkersVar(env("")), 0);
  equal(vectorWorkersVar(env("0")), 0);
  equal(vectorWorkersVar(env(" 3 ")), 3);
  equal(vectorWorkersVar(env(String(MAX_VECTOR_WORKERS))), MAX_VECTOR_WORKERS);
  equal(vectorWorkersVar(env("auto"), 8), 7);
  equal(vectorWorkersVar(env("AUTO"), 1), 0, "one hardware thread: none");
  equal(optionsFromEnv(env("2")).vectorWorkers, 2);
  for (const bad of ["-1", "1.5", "two", "65", "1e3", "0x2"]) {
    throws(
      () => optionsFromEnv(env(bad)),
      (e: Error) =>
        e instanceof RangeError && e.message.includes("ALERT_TRIAGE_VECTOR_WORKERS") &&
        e.message.includes(JSON.stringify(bad)) && e.message.includes("auto"),
      bad,
    );
  }
});

Deno.test("the workers' read permission names exactly the worker's module graph", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "src/server/vector_worker.ts"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const local = graph.modules.map((m) => m.specifier).filter((s) => s.startsWith("file://"))
    .map((s) => new URL(s).pathname.slice(ROOT.length)).sort();
  deepEqual([...VECTOR_WORKER_FILES].sort(), local);
  deepEqual(vectorWorkerReads(env(undefined), ROOT), []);
  deepEqual(vectorWorkerReads(env("0"), ROOT), []);
  deepEqual(vectorWorkerReads(env("1"), "/app/"), VECTOR_WORKER_FILES.map((f) => `/app/${f}`));
  throws(() => vectorWorkerReads(env("1"), "/a,b/"), /comma/);
  const reads = vectorWorkerReads(env("auto"), "/app/");
  const args = serveCommand({ port: 8106, hostname: "127.0.0.1" }, undefined, { reads });
  ok(args.includes(`--allow-read=./data,./policies,${reads.join(",")}`));
  ok(args.includes("--allow-write=./data"), "nothing more to write");
});

/** A port that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A gauge of the server's `/metrics` (NaN while it does not answer yet). */
async function gauge(url: string, name: string): Promise<number> {
  let text: string;
  try {
    text = await (await fetch(`${url}/metrics`)).text();
  } catch {
    return NaN;
  }
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

/** Spawns `deno args` in the repository with one vector worker, collecting its stderr. */
function spawnDeno(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1", ALERT_TRIAGE_VECTOR_WORKERS: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const out = { child, seen: "", drain: Promise.resolve() };
  out.drain = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      out.seen += value;
    }
  })();
  return out;
}

for (const guard of ["off", "on"]) {
  Deno.test({
    name: `deno task start --guard ${guard} with ALERT_TRIAGE_VECTOR_WORKERS=1 shards a session`,
    sanitizeResources: false,
    async fn() {
      const port = freePort(), url = `http://127.0.0.1:${port}`;
      const server = spawnDeno(
        ["task", "start", "--port", String(port), "--host", "127.0.0.1", "--guard", guard],
      );
      try {
        for (let t = 0; t < 300 && !(await gauge(url, "alert_triage_vector_workers") >= 1); t++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        equal(
          await gauge(url, "alert_triage_vector_workers"),
          1,
          `the worker started: ${server.seen}`,
        );
        const s = await openVectorSocket(url);
        const n = SHARD_MIN_ENVS;
        const opened = JSON.parse(
          await s.ask(JSON.stringify({ type: "open", task_id: "hard", num_envs: n })) as string,
        );
        equal(await gauge(url, "alert_triage_vector_shards"), 1, "the session is sharded");
        ok((await s.ask('{"type":"reset"}')) instanceof ArrayBuffer);
        const step = await s.ask(
          encodeStepRequest(new Int8Array(n * opened.slots), n, opened.slots),
        );
        ok(step instanceof ArrayBuffer, `a step reply, got ${step}`);
        await s.close();
        for (let t = 0; t < 50 && await gauge(url, "alert_triage_vector_shards") !== 0; t++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        equal(await gauge(url, "alert_triage_vector_shards"), 0, "closing frees the shard");
        ok(!server.seen.includes("vector worker died"), server.seen);
      } finally {
        server.child.kill("SIGTERM");
        await server.child.status;
        await server.drain;
      }
    },
  });
}

Deno.test({
  name: "without the read grant the workers cannot load: logged, and sessions stay unsharded",
  sanitizeResources: false,
  async fn() {
    const port = freePort(), url = `http://127.0.0.1:${port}`;
    const server = spawnDeno([
      "serve",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      `--allow-net=127.0.0.1:${port}`,
      "--allow-env=ALERT_TRIAGE_*",
      "--allow-read=./data,./policies",
      "--allow-write=./data",
      "cli/server.ts",
    ]);
    try {
      for (let t = 0; t < 300 && !server.seen.includes("vector worker died"); t++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      ok(/vector worker died: Requires read access/.test(server.seen), server.seen);
      equal(await gauge(url, "alert_triage_vector_workers"), 0);
      const s = await openVectorSocket(url);
      const n = SHARD_MIN_ENVS;
      const opened = JSON.parse(
        await s.ask(JSON.stringify({ type: "open", task_id: "hard", num_envs: n })) as string,
      );
      equal(opened.type, "opened");
      equal(await gauge(url, "alert_triage_vector_shards"), 0, "served on the server's thread");
      ok((await s.ask('{"type":"reset"}')) instanceof ArrayBuffer);
      const step = await s.ask(encodeStepRequest(new Int8Array(n * opened.slots), n, opened.slots));
      ok(step instanceof ArrayBuffer);
      await s.close();
    } finally {
      server.child.kill("SIGTERM");
      await server.child.status;
      await server.drain;
    }
  },
});
