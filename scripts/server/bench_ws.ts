/**
 * Benchmark: steps per second with one client, over WebSocket (`/ws`, lock-step frames) and
 * HTTP (`POST /step`, keep-alive), against this server and, in the same run with the same
 * client, the OpenEnv reference server (`ref_server.py`: openenv-core's `create_app` serving a
 * trivial echo environment under uvicorn).
 *
 * ```sh
 * deno run --allow-net --allow-run --allow-env --allow-read --allow-sys scripts/server/bench_ws.ts \
 *   [--seconds 5] [--python .venv/bin/python] [--json]
 * ```
 * By default the client sends a constant action to both servers (`{"decisions": []}`, delay
 * every alert, to ours; `{"message": "hello"}` to the reference) and parses every reply;
 * `--policy rules` plays the rule-based agent on ours instead (its decision time then counts
 * against us). Both servers run as separate processes. With `--python-client`, the real
 * OpenEnv Python client (`bench_client.py`, GenericEnvClient) is also timed against both.
 *
 * @module
 */
import type { Observation } from "../../src/models.ts";
import { spawnServer } from "./spawn.ts";
import { type Policy, rulePolicy } from "./trajectory.ts";

/** The leanest lock-step client: one pending reply, no timers (same for both servers). */
class LeanSocket {
  #socket: WebSocket;
  #resolve: (text: string) => void = () => {};
  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (e: MessageEvent) => this.#resolve(e.data);
  }
  /** Opens a socket. */
  static async open(url: string): Promise<LeanSocket> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    return new LeanSocket(socket);
  }
  /** Sends a frame and parses the reply. */
  // deno-lint-ignore no-explicit-any
  request(frame: object): Promise<any> {
    return new Promise((resolve) => {
      this.#resolve = (text) => resolve(JSON.parse(text));
      this.#socket.send(JSON.stringify(frame));
    });
  }
  /** Closes the socket. */
  close(): Promise<void> {
    const closed = new Promise<void>((r) => this.#socket.onclose = () => r());
    this.#socket.close(1000);
    return closed;
  }
}

/** One measurement. */
export interface BenchRow {
  /** `alert-triage` or `openenv-reference`. */
  server: string;
  /** `websocket` or `http`. */
  transport: string;
  /** Steps taken in the timed window. */
  steps: number;
  /** Steps per second. */
  stepsPerSecond: number;
}

type Stepper = () => Promise<void>;

async function timed(seconds: number, warmup: number, step: Stepper): Promise<[number, number]> {
  for (let i = 0; i < warmup; i++) await step();
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) await step();
    n += 50;
  }
  return [n, n / ((performance.now() - t0) / 1000)];
}

/** WebSocket stepper against our server: rule agent, reset when an episode ends. */
async function oursWs(url: string, policy: Policy): Promise<[Stepper, () => Promise<void>]> {
  const ws = await LeanSocket.open(url.replace(/^http/, "ws") + "/ws");
  let seed = 0;
  let obs: Observation | null = null;
  const step = async () => {
    if (!obs) obs = (await ws.request({ type: "reset", data: { seed: seed++ } })).data.observation;
    const r = await ws.request({ type: "step", data: policy(obs!) });
    if (r.type !== "observation") throw new Error(JSON.stringify(r));
    obs = r.data.done ? null : r.data.observation;
  };
  return [step, async () => void await ws.close()];
}

/** HTTP stepper against our server. */
function oursHttp(url: string, policy: Policy): Stepper {
  let seed = 0;
  let obs: Observation | null = null;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(url + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Session-Id": "bench" },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return await res.json();
  };
  return async () => {
    if (!obs) obs = (await post("/reset", { seed: seed++ })).observation;
    const r = await post("/step", { action: policy(obs!) });
    obs = r.done ? null : r.observation;
  };
}

async function refWs(url: string): Promise<[Stepper, () => Promise<void>]> {
  const ws = await LeanSocket.open(url.replace(/^http/, "ws") + "/ws");
  await ws.request({ type: "reset", data: { seed: 0 } });
  const step = async () => {
    const r = await ws.request({ type: "step", data: { message: "hello" } });
    if (r.type !== "observation") throw new Error(JSON.stringify(r));
  };
  return [step, async () => void await ws.close()];
}

function refHttp(url: string): Stepper {
  return async () => {
    const res = await fetch(url + "/step", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ action: { message: "hello" } }),
    });
    if (res.status !== 200) throw new Error(`ref /step: ${res.status}`);
    await res.json();
  };
}

/** Starts the reference server with `python` and resolves once `/health` answers. */
async function spawnReference(python: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const script = new URL("./ref_server.py", import.meta.url).pathname;
  const child = new Deno.Command(python, {
    args: [script, "--port", String(port), "--max-sessions", "4", "--log-level", "error"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url + "/health");
      await res.body?.cancel();
      if (res.ok) return { url, stop: async () => void (child.kill(), await child.status) };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  await child.status;
  throw new Error("reference server did not start");
}

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/** Machine description for the report. */
async function machine(): Promise<string> {
  let cpu = "unknown CPU";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  return `${cpu}, ${navigator.hardwareConcurrency} cores, ${Deno.build.os} ${Deno.osRelease()}, ` +
    `Deno ${Deno.version.deno}`;
}

if (import.meta.main) {
  const seconds = Number(flag("seconds", "5"));
  const policy: () => Policy = flag("policy", "delay") === "rules"
    ? rulePolicy
    : () => () => ({ decisions: [] });
  const python = flag("python", Deno.env.get("ALERT_TRIAGE_PYTHON") ?? ".venv/bin/python");
  const ours = await spawnServer();
  const ref = await spawnReference(python);
  const rows: BenchRow[] = [];
  const warmup = 500;
  try {
    for (const [server, url] of [["alert-triage", ours.url], ["openenv-reference", ref.url]]) {
      const [wsStep, wsClose] = server === "alert-triage"
        ? await oursWs(url, policy())
        : await refWs(url);
      const [n, rate] = await timed(seconds, warmup, wsStep);
      await wsClose();
      rows.push({ server, transport: "websocket", steps: n, stepsPerSecond: rate });
      if (server === "alert-triage") {
        await fetch(url + "/reset", { method: "POST", headers: { "X-Session-Id": "bench" } })
          .then((r) => r.body?.cancel());
      }
      const httpStep = server === "alert-triage" ? oursHttp(url, policy()) : refHttp(url);
      const [m, httpRate] = await timed(seconds, warmup, httpStep);
      rows.push({ server, transport: "http", steps: m, stepsPerSecond: httpRate });
    }
    if (Deno.args.includes("--python-client")) {
      const script = new URL("./bench_client.py", import.meta.url).pathname;
      const out = await new Deno.Command(python, {
        args: [script, ours.url, ref.url, String(seconds)],
        env: { NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
        stderr: "inherit",
      }).output();
      const result = JSON.parse(new TextDecoder().decode(out.stdout));
      for (const server of ["alert-triage", "openenv-reference"]) {
        const [steps, stepsPerSecond] = result[server];
        rows.push({ server, transport: "websocket-python", steps, stepsPerSecond });
      }
    }
  } finally {
    await ours.stop();
    await ref.stop();
  }
  const rate = (s: string, t: string) =>
    rows.find((r) => r.server === s && r.transport === t)!.stepsPerSecond;
  const wsRatio = rate("alert-triage", "websocket") / rate("openenv-reference", "websocket");
  const httpRatio = rate("alert-triage", "http") / rate("openenv-reference", "http");
  const py = rows.some((r) => r.transport === "websocket-python")
    ? `, websocket (python client) ${
      (rate("alert-triage", "websocket-python") / rate("openenv-reference", "websocket-python"))
        .toFixed(2)
    }x`
    : "";
  if (Deno.args.includes("--json")) {
    console.log(JSON.stringify({ machine: await machine(), date: new Date().toISOString(), rows }));
  } else {
    console.log(`bench_ws: one client, ${seconds} s per measurement, ${new Date().toISOString()}`);
    console.log(`machine: ${await machine()}`);
    console.log("server              transport          steps     steps/s");
    for (const r of rows) {
      console.log(
        `${r.server.padEnd(20)}${r.transport.padEnd(19)}${String(r.steps).padEnd(10)}` +
          `${r.stepsPerSecond.toFixed(0)}`,
      );
    }
    console.log(
      `ratio alert-triage / reference: websocket ${wsRatio.toFixed(2)}x, http ${
        httpRatio.toFixed(2)
      }x${py}`,
    );
  }
}
