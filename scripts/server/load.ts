/**
 * Load test: many concurrent WebSocket sessions on `/ws`, each playing the rule-based agent for
 * a number of steps (resetting whenever an episode ends, episode `e` of session `i` seeded
 * `i * 100000 + e`), then checks that every session's trajectory equals its in-process replay
 * and prints p50/p99 step latency with the CPU time per step of the server and of this client.
 *
 * The clients speak WebSocket over `TCP_NODELAY` connections (Deno's own client sends frames over
 * 1,024 bytes in two writes with Nagle's algorithm on, and ~1.6% of the round trips then waited
 * ~40 ms for a delayed ACK); every client connects before the clock starts, and trajectories are
 * replayed in-process only after it stops, so the latencies are the server's and the wire's.
 *
 * ```sh
 * # --allow-all: Deno reads /proc/<pid>/stat (CPU time) only with all permissions
 * deno run --allow-all scripts/server/load.ts \
 *   [--sessions 200] [--steps 1000] [--url http://127.0.0.1:8000] [--guarded]
 * ```
 * Without `--url` it spawns the server (`deno serve`, least-privilege flags) on a free port.
 * Exit code 1 on any error or mismatch.
 *
 * @module
 */
import { type Observation, TASK_IDS } from "../../mod.ts";
import { spawnServer } from "./spawn.ts";
import { fnv1a, replayTrajectory, rulePolicy } from "./trajectory.ts";
import { WsClient } from "./ws_client.ts";
import { cpuSeconds } from "./wire_frames.ts";

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Server base URL (`http://host:port`). */
  url: string;
  /** Concurrent sessions. */
  sessions: number;
  /** Steps per session. */
  steps: number;
  /** The server's process id, for its CPU time (optional). */
  serverPid?: number;
  /** The run is ended with an error after this long (default 600 s). */
  deadlineSeconds?: number;
}

/** What {@link runLoad} measured. */
export interface LoadReport {
  /** Sessions run. */
  sessions: number;
  /** Steps taken in all. */
  steps: number;
  /** Resets sent in all. */
  resets: number;
  /** Error frames and transport failures. */
  errors: string[];
  /** Sessions whose trajectory differs from the in-process replay. */
  mismatches: string[];
  /** Median step round trip, ms. */
  p50Ms: number;
  /** 99th percentile step round trip, ms. */
  p99Ms: number;
  /** Steps per second over the whole run. */
  stepsPerSecond: number;
  /** Wall time, s. */
  seconds: number;
  /** This client process's CPU time per step, µs (NaN without `/proc` access). */
  clientCpuUsPerStep: number;
  /** The server process's CPU time per step, µs (NaN without its pid or `/proc` access). */
  serverCpuUsPerStep: number;
}

/** User + system CPU seconds of a process (`"self"` or a pid), or NaN. */
function cpuSecondsOf(pid: number | "self" | undefined): number {
  return pid === undefined ? NaN : cpuSeconds(pid === "self" ? Deno.pid : pid);
}

/** The seed of episode `e` of session `i`. */
export const loadSeed = (i: number, e: number): number => i * 100000 + e;

const OBSERVATION_PREFIX = '{"type":"observation","data":';

/**
 * The hash of an observation frame's `data` as the server wrote it: the frame is
 * `{"type":"observation","data":<data>}`, so the data's own JSON is hashed without parsing and
 * serialising it again (what the in-process replay hashes is `JSON.stringify` of the same data).
 */
function dataHash(text: string): number {
  if (!text.startsWith(OBSERVATION_PREFIX) || !text.endsWith("}")) {
    throw new Error(text.slice(0, 300));
  }
  return fnv1a(text.slice(OBSERVATION_PREFIX.length, -1));
}

async function runSession(
  ws: WsClient,
  i: number,
  steps: number,
  latencies: Float64Array,
  report: LoadReport,
): Promise<number[] | null> {
  const task = TASK_IDS[i % TASK_IDS.length];
  const policy = rulePolicy();
  const hashes: number[] = [];
  try {
    let episode = 0;
    let observation: Observation | null = null;
    for (let n = 0; n < steps; n++) {
      if (observation === null) {
        ws.send({
          type: "reset",
          data: { task_id: task, seed: loadSeed(i, episode++), agent: "load" },
        });
        const text = await ws.next(0);
        report.resets++;
        hashes.push(dataHash(text));
        observation = JSON.parse(text).data.observation;
      }
      const t0 = performance.now();
      ws.send({ type: "step", data: policy(observation!) });
      const text = await ws.next(0);
      latencies[i * steps + n] = performance.now() - t0;
      report.steps++;
      hashes.push(dataHash(text));
      const reply = JSON.parse(text);
      observation = reply.data.done ? null : reply.data.observation;
    }
  } catch (err) {
    report.errors.push(`session ${i}: ${err instanceof Error ? err.message : err}`);
    return null;
  } finally {
    await ws.close();
  }
  return hashes;
}

function verify(i: number, steps: number, hashes: number[], report: LoadReport): void {
  const task = TASK_IDS[i % TASK_IDS.length];
  const expected = replayTrajectory(task, (e) => loadSeed(i, e), steps);
  const first = expected.findIndex((h, k) => h !== hashes[k]);
  if (first >= 0 || expected.length !== hashes.length) {
    report.mismatches.push(`session ${i} (${task}): first difference at reply ${first}`);
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Runs the load against a server. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const wsUrl = options.url.replace(/^http/, "ws") + "/ws";
  const latencies = new Float64Array(options.sessions * options.steps);
  const report: LoadReport = {
    sessions: options.sessions,
    steps: 0,
    resets: 0,
    errors: [],
    mismatches: [],
    p50Ms: 0,
    p99Ms: 0,
    stepsPerSecond: 0,
    seconds: 0,
    clientCpuUsPerStep: NaN,
    serverCpuUsPerStep: NaN,
  };
  // every client connects before any steps, so handshakes are not counted as step latency
  const sockets = await Promise.all(
    Array.from({ length: options.sessions }, () => WsClient.connectNoDelay(wsUrl)),
  );
  const cpu0 = cpuSecondsOf("self"), serverCpu0 = cpuSecondsOf(options.serverPid);
  const t0 = performance.now();
  // one watchdog instead of a timer per frame: a server that stops answering ends the run (its
  // sockets are closed, so every waiting session fails with an error)
  const watchdog = setTimeout(() => {
    report.errors.push(`no end after ${options.deadlineSeconds ?? 600} s: sockets closed`);
    for (const ws of sockets) ws.socket.close();
  }, (options.deadlineSeconds ?? 600) * 1000);
  const trajectories = await Promise.all(
    sockets.map((ws, i) => runSession(ws, i, options.steps, latencies, report)),
  ).finally(() => clearTimeout(watchdog));
  report.seconds = (performance.now() - t0) / 1000;
  report.clientCpuUsPerStep = (cpuSecondsOf("self") - cpu0) * 1e6 / report.steps;
  report.serverCpuUsPerStep = (cpuSecondsOf(options.serverPid) - serverCpu0) * 1e6 / report.steps;
  // trajectories are checked against in-process replays after the clock stops
  trajectories.forEach((hashes, i) => hashes && verify(i, options.steps, hashes, report));
  const measured = latencies.subarray(0, options.sessions * options.steps).slice().sort();
  report.p50Ms = percentile(measured, 0.5);
  report.p99Ms = percentile(measured, 0.99);
  report.stepsPerSecond = report.steps / report.seconds;
  return report;
}

/**
 * The server's own per-step time from its histogram (`GET /metrics.json`): mean, and the upper
 * bound of the bucket holding the 99th percentile, in ms.
 */
export async function serverStepTime(
  url: string,
): Promise<{ count: number; meanMs: number; p99Ms: number }> {
  const lat = (await (await fetch(url + "/metrics.json")).json()).step_latency_seconds as {
    count: number;
    mean: number;
    buckets: Record<string, number>;
  };
  let p99Ms = Infinity;
  for (const [le, n] of Object.entries(lat.buckets)) {
    if (n >= 0.99 * lat.count) {
      p99Ms = Number(le) * 1000;
      break;
    }
  }
  return { count: lat.count, meanMs: lat.mean * 1000, p99Ms };
}

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

if (import.meta.main) {
  const sessions = Number(flag("sessions", "200"));
  const steps = Number(flag("steps", "1000"));
  const given = flag("url", "");
  // all clients come from one address here: the per-client cap is lifted to the session count;
  // --guarded: the server behind the connection guard (cli/server_compiled.ts)
  const server = given ? null : await spawnServer({
    ALERT_TRIAGE_MAX_SESSIONS: String(sessions + 8),
    ALERT_TRIAGE_MAX_SESSIONS_PER_CLIENT: String(sessions + 8),
  }, { guarded: Deno.args.includes("--guarded") });
  const url = given || server!.url;
  const report = await runLoad({ url, sessions, steps, serverPid: server?.process.pid });
  const own = await serverStepTime(url);
  const alive = server ? server.alive() : true;
  await server?.stop();
  console.log(
    `load: ${report.sessions} WebSocket sessions x ${steps} steps against ${url}\n` +
      `  steps ${report.steps}, resets ${report.resets}, errors ${report.errors.length}, ` +
      `replay mismatches ${report.mismatches.length}, server alive ${alive}\n` +
      `  step latency p50 ${report.p50Ms.toFixed(3)} ms, p99 ${report.p99Ms.toFixed(3)} ms; ` +
      `${report.stepsPerSecond.toFixed(0)} steps/s over ${report.seconds.toFixed(2)} s\n` +
      `  CPU per step: server ${report.serverCpuUsPerStep.toFixed(1)} µs, this client ${
        report.clientCpuUsPerStep.toFixed(1)
      } µs\n` +
      `  server's own step time (alert_triage_step_latency_seconds): mean ${
        own.meanMs.toFixed(3)
      } ms, p99 <= ${own.p99Ms} ms (histogram bucket) over ${own.count} steps`,
  );
  for (const line of [...report.errors, ...report.mismatches].slice(0, 10)) console.log(line);
  const ok = report.errors.length === 0 && report.mismatches.length === 0 &&
    report.steps === sessions * steps && alive;
  Deno.exit(ok ? 0 : 1);
}
