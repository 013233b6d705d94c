/**
 * The lock-step clients and servers `deno task bench:wire` and `scripts/server/bench_ab.ts`
 * time: HTTP and `/ws` frames against our server, the bare ceiling (`bare_ceiling.ts`) and the
 * openenv-core echo reference, the recording of the replies the ceiling answers, and the
 * measured window (env-steps, frame times and the server's CPU from `/proc/<pid>/stat`).
 *
 * @module
 */
import { LeanSocket } from "./bench_ws.ts";
import { RemoteVectorEnv } from "../../src/learn/remote_vector_env.ts";
import { Rng } from "../../src/rng.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** One frame; resolves to the env-steps it carried. */
export type Frame = () => Promise<number>;

/** One measured window. */
export interface Window {
  /** Env-steps taken. */
  envSteps: number;
  /** Its length. */
  seconds: number;
  /** Milliseconds of each frame. */
  frameMs: number[];
  /** Server CPU seconds spent in it. */
  serverCpu: number;
  /** Client CPU seconds spent in it (Deno rows: this process; Python rows: the client's). */
  clientCpu: number;
}

const ticks = 100; // USER_HZ
/** User + system CPU seconds of a process so far (`/proc/<pid>/stat`; NaN if unreadable). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return NaN;
  }
}

/** The `q` quantile of `xs` (the element at `floor(q * n)` of the sorted values; NaN if empty). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

/** The median of `xs` (the upper one of an even count; NaN if empty). */
export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** The machine's 1-, 5- and 15-minute load averages (`/proc/loadavg`), or `n/a`. */
export function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}

export async function timed(frame: Frame, pid: number, seconds: number): Promise<Window> {
  for (let i = 0; i < 30; i++) await frame();
  const frameMs: number[] = [];
  let envSteps = 0;
  const cpu0 = cpuSeconds(pid), client0 = cpuSeconds(Deno.pid);
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  for (;;) {
    const a = performance.now();
    if (a >= end) break;
    envSteps += await frame();
    frameMs.push(performance.now() - a);
  }
  const elapsed = (performance.now() - t0) / 1000;
  return {
    envSteps,
    seconds: elapsed,
    frameMs,
    serverCpu: cpuSeconds(pid) - cpu0,
    clientCpu: cpuSeconds(Deno.pid) - client0,
  };
}

/** POSTs a JSON body; the text of a 200 answer (keeps a session token answered in `headers`). */
export async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text}`);
  // A reset that creates a named session answers its secret: keep it for the next calls.
  const token = res.headers.get("x-session-token");
  if (token) headers["X-Session-Token"] = token;
  return text;
}

/** Lock-step HTTP: reset (hard, seeds 0, 1, ...) whenever an episode ended, then one step. */
export function oursHttp(url: string): Frame {
  let done = true, seed = 0;
  const H: Record<string, string> = { "X-Session-Id": "bench-wire" };
  return async () => {
    if (done) await post(url + "/reset", `{"seed":${seed++},"task_id":"hard"}`, H);
    done = JSON.parse(await post(url + "/step", '{"action":{"decisions":[]}}', H)).done;
    return 1;
  };
}

/** The bare ceiling answering the recorded replies (see `bare_ceiling.ts`). */
export const BARE = "bare Deno.serve ceiling";
/** The bare ceiling answering the first step's reply to every request (the ceiling before). */
export const BARE_FIXED = "bare ceiling, one fixed reply";
/** Episodes recorded for the bare ceiling (seeds 0..RECORDED-1, as the HTTP row plays them). */
export const RECORDED = 64;

/** The replies of RECORDED episodes played like {@link oursHttp} plays them (parsed). */
export async function recordEpisodes(url: string): Promise<{ reset: unknown; steps: unknown[] }[]> {
  const H: Record<string, string> = { "X-Session-Id": "bench-record" };
  const episodes = [];
  for (let seed = 0; seed < RECORDED; seed++) {
    const reset = JSON.parse(await post(url + "/reset", `{"seed":${seed},"task_id":"hard"}`, H));
    const steps = [];
    for (let done = false; !done;) {
      const reply = JSON.parse(await post(url + "/step", '{"action":{"decisions":[]}}', H));
      steps.push(reply);
      done = reply.done;
    }
    episodes.push({ reset, steps });
  }
  return episodes;
}

/** The bare ceiling's WebSocket, answering the recorded `/ws` frames (see `bare_ceiling.ts`). */
export const BARE_WS = "bare Deno WebSocket ceiling";

/** The `/ws` reply frames of RECORDED episodes played like {@link oursWs} plays them (parsed). */
export async function recordWsEpisodes(
  url: string,
): Promise<{ reset: unknown; steps: unknown[] }[]> {
  const ws = await LeanSocket.open(url.replace(/^http/, "ws") + "/ws");
  const episodes = [];
  try {
    for (let seed = 0; seed < RECORDED; seed++) {
      const reset = await ws.request({ type: "reset", data: { seed, task_id: "hard" } });
      const steps = [];
      for (let done = false; !done;) {
        const reply = await ws.request({ type: "step", data: { decisions: [] } });
        if (reply.type !== "observation") throw new Error(JSON.stringify(reply));
        steps.push(reply);
        done = reply.data.done;
      }
      episodes.push({ reset, steps });
    }
  } finally {
    await ws.close();
  }
  return episodes;
}

/** Lock-step HTTP steps only (the one-fixed-reply ceiling). */
export function bareHttp(url: string): Frame {
  return async () => {
    JSON.parse(await post(url + "/step", '{"action":{"decisions":[]}}'));
    return 1;
  };
}

/** Lock-step HTTP steps of the openenv-core echo environment. */
export function refHttp(url: string): Frame {
  return async () => {
    JSON.parse(await post(url + "/step", '{"action":{"message":"hello"}}'));
    return 1;
  };
}

/** Lock-step `/ws` (a lean client): reset whenever an episode ended, then one step. */
export async function oursWs(url: string): Promise<[Frame, () => Promise<void>]> {
  const ws = await LeanSocket.open(url.replace(/^http/, "ws") + "/ws");
  let done = true, seed = 0;
  const frame = async () => {
    if (done) await ws.request({ type: "reset", data: { seed: seed++, task_id: "hard" } });
    const r = await ws.request({ type: "step", data: { decisions: [] } });
    if (r.type !== "observation") throw new Error(JSON.stringify(r));
    done = r.data.done;
    return 1;
  };
  return [frame, () => ws.close()];
}

/** Lock-step `/ws` steps of the openenv-core echo environment. */
export async function refWs(url: string): Promise<[Frame, () => Promise<void>]> {
  const ws = await LeanSocket.open(url.replace(/^http/, "ws") + "/ws");
  await ws.request({ type: "reset", data: {} });
  const frame = async () => {
    const r = await ws.request({ type: "step", data: { message: "hello" } });
    if (r.type !== "observation") throw new Error(JSON.stringify(r));
    return 1;
  };
  return [frame, () => ws.close()];
}

/**
 * Starts the bare ceiling (`bare_ceiling.ts`) answering `bodyFile` over HTTP (and `wsBodyFile`,
 * if given, over a WebSocket); resolves its URL once up.
 */
export function bareServer(
  bodyFile: string,
  wsBodyFile?: string,
): { url: Promise<string>; process: Deno.ChildProcess } {
  const files = wsBodyFile ? [bodyFile, wsBodyFile] : [bodyFile];
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "scripts/server/bare_ceiling.ts", ...files],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = process.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const url = (async () => {
    let seen = "";
    while (!/Listening on (http:\/\/[^/]+)/.test(seen)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`bare ceiling did not start: ${seen}`);
      seen += value;
    }
    (async () => {
      while (!(await reader.read()).done) { /* drain */ }
    })().catch(() => {});
    return /Listening on (http:\/\/[^/]+)/.exec(seen)![1];
  })();
  return { url, process };
}

/** What `scripts/server/bench_wire_client.py` reports of one window, plus the server's CPU. */
export interface PythonClientReport {
  /** Env-steps taken. */
  env_steps: number;
  /** The window's length, s. */
  seconds: number;
  /** Env-steps per second. */
  env_steps_per_s: number;
  /** Median frame time, ms. */
  p50_ms: number;
  /** 99th percentile frame time, ms. */
  p99_ms: number;
  /** The client process's CPU seconds in the window. */
  client_cpu_s: number;
  /** The server process's (`pid`) CPU seconds while the client ran, warm-up included. */
  serverCpu: number;
}

/**
 * Runs the Python benchmark client (`mode`: `lockstep` or `vector:N`) for `seconds` against
 * `url` with the interpreter `python`; `clientRoot` imports the client package from another
 * tree's `python/` (A/B runs).
 */
export async function runPythonClient(
  python: string,
  url: string,
  mode: string,
  seconds: number,
  pid: number,
  clientRoot?: string,
): Promise<PythonClientReport> {
  const cpu0 = cpuSeconds(pid);
  const args = ["scripts/server/bench_wire_client.py", url, mode, String(seconds)];
  if (clientRoot !== undefined) args.push(clientRoot + "python");
  const out = await new Deno.Command(python, {
    args,
    cwd: ROOT,
    env: { NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return { ...JSON.parse(new TextDecoder().decode(out.stdout)), serverCpu: cpuSeconds(pid) - cpu0 };
}

/**
 * A `/ws/vector` frame of `n` `hard` environments from the Deno client (`RemoteVectorEnv`,
 * raw frames, no features), on 16 recycled random action sets; and its closer.
 */
export async function vectorDeno(url: string, n: number): Promise<[Frame, () => Promise<void>]> {
  const vec = await RemoteVectorEnv.connect(url, {
    taskId: "hard",
    numEnvs: n,
    seed: 0,
    features: false,
  });
  await vec.reset();
  const rng = new Rng(1);
  const pool = Array.from({ length: 16 }, () => {
    const a = new Int8Array(vec.actions.length);
    for (let i = 0; i < a.length; i++) a[i] = rng.int(4);
    return a;
  });
  let k = 0;
  const frame = async () => {
    vec.actions.set(pool[k++ & 15]);
    await vec.step();
    return n;
  };
  return [frame, () => Promise.resolve(vec.close())];
}

/** The server column of a row served with one vector worker (`ALERT_TRIAGE_VECTOR_WORKERS=1`). */
export const VECTOR_WORKER_SERVER = "alert-triage, 1 vector worker";

/**
 * Waits until the server at `url` reports `count` vector workers started (`/metrics`), so that
 * the sessions opened next are sharded; throws after 30 s.
 */
export async function waitForVectorWorkers(url: string, count = 1): Promise<void> {
  for (let t = 0; t < 300; t++) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith("alert_triage_vector_workers "));
    if (line && Number(line.split(" ")[1]) >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}: the vector workers did not start`);
}
