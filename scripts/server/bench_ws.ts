/**
 * Benchmark: steps per second with one client, over WebSocket (`/ws`, lock-step frames) and
 * HTTP (`POST /step`, keep-alive), against this server and, in the same run with the same
 * client, the OpenEnv reference server (`ref_server.py`: openenv-core's `create_app` serving a
 * trivial echo environment under uvicorn). The four measurements are interleaved in short
 * windows (`--rounds`) so that a shared machine's load hits both servers alike; the table
 * gives the median and the best window.
 *
 * ```sh
 * deno run --allow-net --allow-run --allow-env --allow-read --allow-sys scripts/server/bench_ws.ts \
 *   [--seconds 10] [--rounds 10] [--policy delay|rules] [--python .venv/bin/python] [--json]
 * ```
 * By default the client sends a constant action to both servers (`{"decisions": []}`, delay
 * every alert, to ours; `{"message": "hello"}` to the reference) and parses every reply;
 * `--policy rules` plays the rule-based agent on ours instead (its decision time then counts
 * against us). Both servers run as separate processes. With `--python-client`, the real
 * OpenEnv Python client (`bench_client.py`, GenericEnvClient) is also timed against both.
 *
 * @module
 */
import type { Observation } from "../../mod.ts";
import { spawnServer } from "./spawn.ts";
import { type Policy, rulePolicy } from "./trajectory.ts";

/** The leanest lock-step client: one pending reply, no timers (same for both servers). */
export class LeanSocket {
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
export async function spawnReference(
  python: string,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
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
      if (res.ok) {
        return { url, pid: child.pid, stop: async () => void (child.kill(), await child.status) };
      }
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

/** Rates of one (server, transport) pair over the interleaved rounds. */
interface Series {
  server: string;
  transport: string;
  steps: number;
  rates: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (import.meta.main) {
  const seconds = Number(flag("seconds", "10"));
  const rounds = Number(flag("rounds", "10"));
  const window = seconds / rounds;
  const policy: () => Policy = flag("policy", "delay") === "rules"
    ? rulePolicy
    : () => () => ({ decisions: [] });
  const python = flag("python", Deno.env.get("ALERT_TRIAGE_PYTHON") ?? ".venv/bin/python");
  const ours = await spawnServer();
  const ref = await spawnReference(python);
  const series: Series[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    const [oursWsStep, c1] = await oursWs(ours.url, policy());
    const [refWsStep, c2] = await refWs(ref.url);
    closers.push(c1, c2);
    await fetch(ours.url + "/reset", { method: "POST", headers: { "X-Session-Id": "bench" } })
      .then((r) => r.body?.cancel());
    const steppers: [string, string, Stepper][] = [
      ["alert-triage", "websocket", oursWsStep],
      ["openenv-reference", "websocket", refWsStep],
      ["alert-triage", "http", oursHttp(ours.url, policy())],
      ["openenv-reference", "http", refHttp(ref.url)],
    ];
    for (const [server, transport, step] of steppers) {
      await timed(0, 500, step);
      series.push({ server, transport, steps: 0, rates: [] });
    }
    // Interleave short windows so that both servers see the same machine load.
    for (let r = 0; r < rounds; r++) {
      for (const [i, [, , step]] of steppers.entries()) {
        const [n, rate] = await timed(window, 0, step);
        series[i].steps += n;
        series[i].rates.push(rate);
      }
    }
    if (Deno.args.includes("--python-client")) {
      const script = new URL("./bench_client.py", import.meta.url).pathname;
      const out = await new Deno.Command(python, {
        args: [script, ours.url, ref.url, String(seconds / 2)],
        env: { NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
        stderr: "inherit",
      }).output();
      const result = JSON.parse(new TextDecoder().decode(out.stdout));
      for (const server of ["alert-triage", "openenv-reference"]) {
        const [steps, rate] = result[server];
        series.push({ server, transport: "websocket-python", steps, rates: [rate] });
      }
    }
  } finally {
    for (const close of closers) await close();
    await ours.stop();
    await ref.stop();
  }
  const rows: BenchRow[] = series.map((s) => ({
    server: s.server,
    transport: s.transport,
    steps: s.steps,
    stepsPerSecond: median(s.rates),
  }));
  const get = (server: string, transport: string) =>
    series.find((s) => s.server === server && s.transport === transport);
  const ratio = (transport: string, pick: (xs: number[]) => number) => {
    const a = get("alert-triage", transport), b = get("openenv-reference", transport);
    return a && b ? pick(a.rates) / pick(b.rates) : NaN;
  };
  if (Deno.args.includes("--json")) {
    console.log(JSON.stringify({ machine: await machine(), date: new Date().toISOString(), rows }));
  } else {
    console.log(
      `bench_ws: one client, ${rounds} interleaved rounds of ${window.toFixed(2)} s per ` +
        `measurement, ${new Date().toISOString()}`,
    );
    console.log(`machine: ${await machine()}`);
    console.log("server              transport          steps     median/s  best/s");
    for (const s of series) {
      console.log(
        `${s.server.padEnd(20)}${s.transport.padEnd(19)}${String(s.steps).padEnd(10)}` +
          `${median(s.rates).toFixed(0).padEnd(10)}${Math.max(...s.rates).toFixed(0)}`,
      );
    }
    const fmt = (t: string) =>
      `${t} ${ratio(t, median).toFixed(2)}x median, ${
        ratio(t, (x) => Math.max(...x)).toFixed(2)
      }x best`;
    console.log(`ratio alert-triage / reference: ${fmt("websocket")}; ${fmt("http")}`);
    if (get("alert-triage", "websocket-python")) {
      console.log(
        `  python GenericEnvClient websocket: ${ratio("websocket-python", median).toFixed(2)}x`,
      );
    }
  }
}
