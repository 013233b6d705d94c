/**
 * Smoke test of the built container image (scripts/container/build.sh builds it; CI runs this
 * under `ALERT_TRIAGE_CI=1`): it runs the image with podman the way the README's `docker run`
 * commands do and checks health, the tasks, a reset and a step, ingest into a named volume that a
 * second container reads back, a read-only root filesystem, another uid (`--user 1000:1000`), the
 * port from `PORT`, non-root code that cannot be modified, the HEALTHCHECK, and a prompt clean
 * stop. Containers and volumes are removed by id/name, never by pattern.
 *
 * Runs when `ALERT_TRIAGE_CONTAINER_IMAGE` names the image, or under `ALERT_TRIAGE_CI=1` (image
 * `alert-triage`, where a missing podman or image fails the test); otherwise it is skipped.
 * `ALERT_TRIAGE_CONTAINER_ENGINE` picks another engine (`docker`).
 *
 * @module
 */
import { deepEqual, equal, fail, match, ok } from "node:assert/strict";

const CI = Deno.env.get("ALERT_TRIAGE_CI") === "1";
const IMAGE = Deno.env.get("ALERT_TRIAGE_CONTAINER_IMAGE") ?? "alert-triage";
const ENGINE = Deno.env.get("ALERT_TRIAGE_CONTAINER_ENGINE") ?? "podman";
const ENABLED = CI || Deno.env.get("ALERT_TRIAGE_CONTAINER_IMAGE") !== undefined;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function engine(...args: string[]): Promise<Result> {
  const out = await new Deno.Command(ENGINE, { args, stdin: "null" }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout).trim(), stderr: dec.decode(out.stderr) };
}

async function engineOk(...args: string[]): Promise<string> {
  const r = await engine(...args);
  if (r.code !== 0) fail(`${ENGINE} ${args.join(" ")} exited ${r.code}: ${r.stderr.slice(-800)}`);
  return r.stdout;
}

let ready: Promise<void> | undefined;
/** Fails (CI) with a clear message when the engine or the image is missing. */
function requireImage(): Promise<void> {
  ready ??= (async () => {
    let r: Result;
    try {
      r = await engine("image", "inspect", "--format", "{{.Id}}", IMAGE);
    } catch {
      fail(`${ENGINE} is missing: run scripts/container/build.sh (.ci/setup-container)`);
    }
    if (r.code !== 0) fail(`image ${IMAGE} is missing: run scripts/container/build.sh`);
  })();
  return ready;
}

/** A running container with its published port. */
interface Container {
  id: string;
  url: string;
}

const running = new Set<string>();

/** `run -d` with `args`, the container port published on a free loopback port; waits for /health. */
async function start(args: string[], containerPort = 8000): Promise<Container> {
  const id = await engineOk("run", "-d", "-p", `127.0.0.1::${containerPort}`, ...args, IMAGE);
  running.add(id);
  const port = (await engineOk("port", id, `${containerPort}/tcp`)).split("\n")[0].split(":").pop();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (true) {
    try {
      const res = await fetch(`${url}/health`);
      const body = await res.json();
      if (res.ok && body.status === "healthy") return { id, url };
    } catch { /* not listening yet */ }
    const state = await engine("inspect", "--format", "{{.State.Status}}", id);
    if (state.stdout !== "running" || Date.now() > deadline) {
      fail(`container did not become healthy (${state.stdout}): ${await logs(id)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function logs(id: string): Promise<string> {
  const r = await engine("logs", id);
  return (r.stdout + r.stderr).slice(-1500);
}

/** Stops the container (SIGTERM), returning the seconds it took and its exit code. */
async function stop(id: string): Promise<{ seconds: number; exitCode: number }> {
  const t = performance.now();
  await engineOk("stop", "-t", "10", id);
  const seconds = (performance.now() - t) / 1000;
  const exitCode = Number(await engineOk("inspect", "--format", "{{.State.ExitCode}}", id));
  return { seconds, exitCode };
}

async function remove(id: string): Promise<void> {
  await engine("rm", "-f", "-t", "0", id);
  running.delete(id);
}

// deno-lint-ignore no-explicit-any -- response bodies are inspected field by field
async function json(url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(
    url,
    body === undefined ? {} : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  return { status: res.status, body: await res.json() };
}

function volumeName(): string {
  return `alert-triage-smoke-${crypto.randomUUID().slice(0, 8)}`;
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({
    name: `container: ${name}`,
    ignore: !ENABLED,
    sanitizeResources: false,
    async fn() {
      await requireImage();
      await fn();
    },
  });

test("serves health, tasks, reset and step as the non-root deno user, code read-only, stops cleanly", async () => {
  const c = await start([]);
  try {
    const tasks = await json(`${c.url}/tasks`);
    equal(tasks.status, 200);
    deepEqual(tasks.body.map((t: { id: string }) => t.id), ["easy", "medium", "hard"]);
    const reset = await json(`${c.url}/reset`, { task_id: "easy", seed: 7 });
    equal(reset.status, 200);
    ok(reset.body.observation.alerts.length > 0);
    const alertId = reset.body.observation.alerts[0].id;
    const step = await json(`${c.url}/step`, {
      action: { decisions: [{ alert_id: alertId, action_type: "INVESTIGATE" }] },
    });
    equal(step.status, 200);
    equal(typeof step.body.reward, "number");
    equal(step.body.done, false);
    // the image's user, uid 1993 (from denoland/deno), for every process of the container
    equal(await engineOk("exec", c.id, "id", "-u"), "1993");
    const uids = await engineOk("exec", c.id, "sh", "-c", "cat /proc/[0-9]*/status | grep ^Uid:");
    for (const line of uids.split("\n")) match(line, /^Uid:\s+1993\s/);
    // tini, then the server as the only deno process (the launcher exec'd it)
    const commands = (await engineOk("exec", c.id, "sh", "-c", "cat /proc/[0-9]*/comm")).split(
      "\n",
    );
    equal(commands.filter((name) => name === "deno").length, 1, commands.join(" "));
    match(await engineOk("exec", c.id, "cat", "/proc/1/cmdline"), /^\/tini/);
    // code and dependency cache are root-owned and read-only; only /app/data is writable
    for (const path of ["/app/src/x", "/app/cli/server.ts", "/deno-dir/x", "/app/deno.lock"]) {
      const r = await engine("exec", c.id, "sh", "-c", `: >> ${path}`);
      ok(r.code !== 0, `${path} is writable`);
    }
    equal((await engine("exec", c.id, "sh", "-c", ": > /app/data/probe")).code, 0);
    // the build secret (CA bundle) never reaches the image
    equal((await engine("exec", c.id, "sh", "-c", "test -e /run/secrets/ca_bundle")).code, 1);
    // the image's own HEALTHCHECK (kept by --format docker), run once by hand
    const hc = await engine("image", "inspect", "--format", "{{json .Config.Healthcheck}}", IMAGE);
    match(hc.stdout, /deno/);
    if (ENGINE === "podman") equal((await engine("healthcheck", "run", c.id)).code, 0);
    const { seconds, exitCode } = await stop(c.id);
    ok(seconds < 5, `stop took ${seconds.toFixed(2)} s`);
    ok(exitCode === 0 || exitCode === 143, `exit code ${exitCode} (137: killed after the timeout)`);
  } finally {
    await remove(c.id);
  }
});

test("ingested alerts land in a named volume and a second container (--read-only) reads them", async () => {
  const volume = volumeName();
  const ids: string[] = [];
  try {
    const a = await start(["-v", `${volume}:/app/data`]);
    ids.push(a.id);
    const sent = await json(`${a.url}/ingest/alerts/generic`, {
      title: "smoke: disk 97% on db-1",
      severity: "critical",
      dedup_key: "smoke-db-1-disk",
    });
    equal(sent.status, 202, JSON.stringify(sent.body));
    await stop(a.id);
    // a new container, read-only root filesystem, the same volume
    const b = await start(["--read-only", "-v", `${volume}:/app/data`]);
    ids.push(b.id);
    const listed = await json(`${b.url}/ingest/alerts`);
    equal(listed.status, 200);
    deepEqual(listed.body.alerts.map((x: { dedup_key: string }) => x.dedup_key), [
      "smoke-db-1-disk",
    ]);
    const more = await json(`${b.url}/ingest/alerts/generic`, { title: "smoke: second" });
    equal(more.status, 202, JSON.stringify(more.body));
    equal((await engine("exec", b.id, "sh", "-c", ": > /app/probe")).code === 0, false);
    const { exitCode } = await stop(b.id);
    ok(exitCode === 0 || exitCode === 143, `exit code ${exitCode}`);
  } finally {
    for (const id of ids) await remove(id);
    await engine("volume", "rm", "-f", volume);
  }
});

test("runs as another uid (--user 1000:1000) on a read-only root with a fresh volume", async () => {
  const volume = volumeName();
  let id = "";
  try {
    const c = await start(["--user", "1000:1000", "--read-only", "-v", `${volume}:/app/data`]);
    id = c.id;
    equal(await engineOk("exec", c.id, "id", "-u"), "1000");
    equal((await json(`${c.url}/reset`, {})).status, 200);
    const sent = await json(`${c.url}/ingest/alerts/generic`, { title: "smoke: uid 1000" });
    equal(sent.status, 202, JSON.stringify(sent.body));
    equal((await json(`${c.url}/ingest/stats`)).body.total, 1);
  } finally {
    if (id) await remove(id);
    await engine("volume", "rm", "-f", volume);
  }
});

test("listens on PORT from the environment, with a HEALTHCHECK that follows it; a bad PORT stops it", async () => {
  const bad = await engine("run", "--rm", "-e", "PORT=eighty", IMAGE);
  equal(bad.code, 2, bad.stderr);
  match(bad.stderr, /PORT must be a port 0\.\.65535/);
  const c = await start(["-e", "PORT=9000"], 9000);
  try {
    const args = await engineOk(
      "exec",
      c.id,
      "sh",
      "-c",
      "cat /proc/[0-9]*/cmdline | tr '\\0' ' '",
    );
    // on 0.0.0.0 the server runs behind its connection guard (deno task start --guard auto)
    match(
      args,
      /deno run --cached-only --allow-net=0\.0\.0\.0:9000,127\.0\.0\.1 .*cli\/server_compiled\.ts --port 9000 --host 0\.0\.0\.0/,
    );
    if (ENGINE === "podman") equal((await engine("healthcheck", "run", c.id)).code, 0);
  } finally {
    await remove(c.id);
  }
});

test("the guard drops a connection that sends half a request head (request deadline 1 s)", async () => {
  const c = await start(["-e", "ALERT_TRIAGE_REQUEST_TIMEOUT_SECONDS=1"]);
  try {
    const port = Number(new URL(c.url).port);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("GET /health HTTP/1.1\r\n"));
    const started = Date.now();
    equal(await conn.read(new Uint8Array(64)).catch(() => null), null);
    const waited = Date.now() - started;
    ok(waited >= 900 && waited < 5000, `dropped after ${waited} ms`);
    conn.close();
  } finally {
    await remove(c.id);
  }
});

test("without a volume under --read-only, ingest answers 503 and the environment still plays", async () => {
  const c = await start(["--read-only"]);
  try {
    const sent = await json(`${c.url}/ingest/alerts/generic`, { title: "smoke: nowhere to go" });
    equal(sent.status, 503, JSON.stringify(sent.body));
    equal((await json(`${c.url}/reset`, {})).status, 200);
  } finally {
    await remove(c.id);
  }
});

/** A gauge of the container's `/metrics`. */
async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

test("ALERT_TRIAGE_VECTOR_WORKERS=1: the worker loads under the image's permissions and shards a session", async () => {
  const c = await start(["-e", "ALERT_TRIAGE_VECTOR_WORKERS=1"]);
  try {
    for (let t = 0; t < 100 && await gauge(c.url, "alert_triage_vector_workers") < 1; t++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    equal(await gauge(c.url, "alert_triage_vector_workers"), 1, await logs(c.id));
    const ws = new WebSocket(`${c.url.replace("http", "ws")}/ws/vector`);
    ws.binaryType = "arraybuffer";
    const next = () => new Promise<unknown>((r) => ws.onmessage = (e) => r(e.data));
    await new Promise((r) => ws.onopen = r);
    const opened = next();
    ws.send(JSON.stringify({ type: "open", task_id: "hard", num_envs: 128 }));
    equal(JSON.parse(await opened as string).type, "opened");
    equal(await gauge(c.url, "alert_triage_vector_shards"), 1, "the session is sharded");
    const reset = next();
    ws.send('{"type":"reset"}');
    ok(await reset instanceof ArrayBuffer);
    const closed = new Promise((r) => ws.onclose = r);
    ws.close();
    await closed;
    for (let t = 0; t < 50 && await gauge(c.url, "alert_triage_vector_shards") !== 0; t++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    equal(await gauge(c.url, "alert_triage_vector_shards"), 0, "closing frees the shard");
    const { seconds, exitCode } = await stop(c.id);
    ok(seconds < 5 && exitCode === 0, `stopped in ${seconds} s with ${exitCode}`);
  } finally {
    await remove(c.id);
  }
});

globalThis.addEventListener("unload", () => {
  // a failed assertion above already removed its container in `finally`; this is the last net
  for (const id of running) {
    new Deno.Command(ENGINE, { args: ["rm", "-f", "-t", "0", id] }).outputSync();
  }
});
