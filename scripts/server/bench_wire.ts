/**
 * `deno task bench:wire`: every transport of the server in one run, one table.
 *
 * Rows: HTTP `POST /step` (ours; a bare `Deno.serve` ceiling that parses the same requests and
 * answers the same JSON bodies, replaying a recorded conversation of 64 episodes, resets
 * included, played by the same client; the same ceiling answering the first step's reply to
 * every request, the ceiling of the earlier runs, whose replies are half the average size; and
 * the openenv-core 0.3.0 echo reference), WebSocket
 * lock-step (`/ws`: ours, the bare ceiling's `Deno.upgradeWebSocket` answering the `/ws` frames
 * our server answered to the same client, and the reference), the vectorised protocol
 * (`/ws/vector`) at N = 1, 16, 64, 256 from Deno (`RemoteVectorEnv`, raw frames; N = 256 also
 * against a second server with one vector worker, `ALERT_TRIAGE_VECTOR_WORKERS=1`) and from
 * Python (the Gymnasium
 * `AlertTriageVectorEnv`, encoding included), the Python lock-step Gymnasium env over `/ws`,
 * and, for the in-process figure, the public object API (`makeEnv` + `step({decisions})`,
 * hard, random valid policy) against Gymnasium's CartPole-v1 (`benchmark_step`). Columns:
 * env-steps/s (median over interleaved rounds), N / p50 frame time (the rate without the
 * stalls other processes cause: a contention check), p50/p99 milliseconds per frame (all rounds),
 * and the server's CPU time per env-step (from `/proc/<pid>/stat` of the server process,
 * 10 ms ticks summed over all rounds) and the client's (Deno rows: this process, from
 * `/proc/self/stat`; Python rows: the client's `time.process_time`). Every server is a separate
 * process; the load of the machine is printed (it is shared: compare rows of the same run, not
 * across runs).
 *
 * ```sh
 * deno task bench:wire [--seconds 2] [--rounds 3] [--python .venv/bin/python] [--json]
 *   [--only http,ws,vector,python,inprocess]
 * # --allow-all: Deno reads /proc/<pid>/stat (server CPU) only with all permissions
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { measureStepsPerSecond } from "../../src/eval/throughput.ts";
import { spawnServer } from "./spawn.ts";
import { spawnReference } from "./bench_ws.ts";
import {
  BARE,
  BARE_FIXED,
  BARE_WS,
  bareHttp,
  bareServer,
  type Frame,
  loadAverage,
  median,
  oursHttp,
  oursWs,
  quantile,
  recordEpisodes,
  recordWsEpisodes,
  refHttp,
  refWs,
  runPythonClient,
  timed,
  VECTOR_WORKER_SERVER,
  vectorDeno,
  waitForVectorWorkers,
  type Window,
} from "./wire_frames.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
    python: { type: "string", default: ".venv/bin/python" },
    json: { type: "boolean", default: false },
    only: { type: "string", default: "http,ws,vector,python,inprocess" },
  },
});
/** The groups of rows to run (`--only`; default all): the full table is the default. */
const ONLY = new Set(values.only.split(",").map((s) => s.trim()));
for (const group of ONLY) {
  if (!["http", "ws", "vector", "python", "inprocess"].includes(group)) {
    throw new Error(`--only: unknown group ${group} (http, ws, vector, python, inprocess)`);
  }
}
const WINDOW = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const PY = values.python;
const ROOT = new URL("../../", import.meta.url).pathname;
const VECTOR_NS = [1, 16, 64, 256];

/** A row of the table, accumulated over the rounds. */
interface Row {
  transport: string;
  client: string;
  server: string;
  n: number;
  windows: Window[];
  pythonPercentiles?: { p50: number; p99: number }[];
}

async function python(url: string, mode: string, pid: number): Promise<[Window, number, number]> {
  const r = await runPythonClient(PY, url, mode, WINDOW, pid);
  const w: Window = {
    envSteps: r.env_steps,
    seconds: r.seconds,
    frameMs: [],
    serverCpu: r.serverCpu,
    clientCpu: r.client_cpu_s,
  };
  return [w, r.p50_ms, r.p99_ms];
}

async function cartpole(): Promise<number> {
  const out = await new Deno.Command(PY, {
    args: ["bench/cartpole_gymnasium.py", "--seconds", String(WINDOW)],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout)).runs[0].steps_per_second;
}

if (import.meta.main) {
  const started = new Date().toISOString();
  const loadBefore = loadAverage();
  const ours = await spawnServer({ ALERT_TRIAGE_MAX_SESSIONS: "64" });
  const oursPid = ours.process.pid;
  const ref = ONLY.has("http") || ONLY.has("ws") ? await spawnReference(PY) : null;
  // Real replies for the bare ceilings: the conversation of RECORDED episodes played as the
  // HTTP row plays them (the same bytes), the first step's reply alone (the ceiling before), and
  // the `/ws` frames of the same episodes played as the WS row plays them.
  const episodes = ONLY.has("http") ? await recordEpisodes(ours.url) : [];
  const fixed = [{ reset: episodes[0]?.reset, steps: [episodes[0]?.steps[0]] }];
  const wsEpisodes = ONLY.has("ws") ? await recordWsEpisodes(ours.url) : [];
  const bodyFiles = await Promise.all([episodes, fixed, wsEpisodes].map(async (recording) => {
    const file = await Deno.makeTempFile({ suffix: ".json" });
    await Deno.writeTextFile(file, JSON.stringify(recording));
    return file;
  }));
  const bare = ONLY.has("http") || ONLY.has("ws") ? bareServer(bodyFiles[0], bodyFiles[2]) : null;
  const bareFixed = ONLY.has("http") ? bareServer(bodyFiles[1]) : null;
  const bareUrl = bare ? await bare.url : "";
  const bareFixedUrl = bareFixed ? await bareFixed.url : "";

  const rows: Row[] = [];
  const row = (transport: string, client: string, server: string, n: number) => {
    let r = rows.find((x) =>
      x.transport === transport && x.client === client && x.server === server && x.n === n
    );
    if (!r) rows.push(r = { transport, client, server, n, windows: [] });
    return r;
  };
  const closers: (() => Promise<void>)[] = [];
  let sharded: Awaited<ReturnType<typeof spawnServer>> | undefined;
  const inProcess: number[] = [];
  const cartpoles: number[] = [];
  try {
    type Case = [string, string, number, Frame, number];
    const deno: Case[] = [];
    if (ONLY.has("http")) {
      deno.push(
        ["HTTP /step", "alert-triage", 1, oursHttp(ours.url), oursPid],
        ["HTTP /step", BARE, 1, oursHttp(bareUrl), bare!.process.pid],
        ["HTTP /step", BARE_FIXED, 1, bareHttp(bareFixedUrl), bareFixed!.process.pid],
        ["HTTP /step", "openenv-core echo", 1, refHttp(ref!.url), ref!.pid],
      );
    }
    if (ONLY.has("ws")) {
      const [oWs, c1] = await oursWs(ours.url);
      const [rWs, c2] = await refWs(ref!.url);
      const [bWs, c3] = await oursWs(bareUrl);
      closers.push(c1, c2, c3);
      deno.push(
        ["WS lock-step /ws", "alert-triage", 1, oWs, oursPid],
        ["WS lock-step /ws", BARE_WS, 1, bWs, bare!.process.pid],
        ["WS lock-step /ws", "openenv-core echo", 1, rWs, ref!.pid],
      );
    }
    if (ONLY.has("vector")) {
      for (const n of VECTOR_NS) {
        const [f, c] = await vectorDeno(ours.url, n);
        deno.push(["vector WS /ws/vector", "alert-triage", n, f, oursPid]);
        closers.push(c);
      }
      // the same server with one vector worker (ALERT_TRIAGE_VECTOR_WORKERS=1): N = 256 sharded
      sharded = await spawnServer({ ALERT_TRIAGE_VECTOR_WORKERS: "1" });
      await waitForVectorWorkers(sharded.url);
      const [f, c] = await vectorDeno(sharded.url, 256);
      deno.push(["vector WS /ws/vector", VECTOR_WORKER_SERVER, 256, f, sharded.process.pid]);
      closers.push(c);
    }
    const pythonModes = ONLY.has("python")
      ? ["lockstep", ...VECTOR_NS.map((n) => `vector:${n}`)]
      : [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [transport, server, n, frame, pid] of deno) {
        row(transport, "Deno", server, n).windows.push(await timed(frame, pid, WINDOW));
      }
      for (const mode of pythonModes) {
        const [w, p50, p99] = await python(ours.url, mode, oursPid);
        const n = mode === "lockstep" ? 1 : Number(mode.split(":")[1]);
        const r = row(
          mode === "lockstep" ? "WS lock-step /ws" : "vector WS /ws/vector",
          "Python",
          "alert-triage",
          n,
        );
        r.windows.push(w);
        (r.pythonPercentiles ??= []).push({ p50, p99 });
      }
      if (ONLY.has("inprocess")) {
        cartpoles.push(await cartpole());
        inProcess.push(
          measureStepsPerSecond("hard", "object", { durationMs: WINDOW * 1000, seed: 1 + round })
            .steps_per_second,
        );
      }
      console.error(`round ${round + 1}/${ROUNDS} done`);
    }
  } finally {
    for (const close of closers) await close().catch(() => {});
    await ours.stop();
    await sharded?.stop();
    await ref?.stop();
    for (const b of [bare, bareFixed]) {
      b?.process.kill();
      await b?.process.status;
    }
    for (const file of bodyFiles) await Deno.remove(file);
  }

  const rate = (r: Row) => median(r.windows.map((w) => w.envSteps / w.seconds));
  const get = (transport: string, client: string, server: string, n = 1) => {
    const r = rows.find((r) =>
      r.transport === transport && r.client === client && r.server === server && r.n === n
    );
    return r ? rate(r) : NaN; // a row left out by --only
  };
  const lines: string[] = [];
  lines.push(
    `bench:wire ${started}; ${ROUNDS} interleaved rounds of ${WINDOW} s; load average before ` +
      `${loadBefore}, after ${loadAverage()}; ${navigator.hardwareConcurrency} logical CPUs; ` +
      `Deno ${Deno.version.deno}`,
    "",
    "| transport | client | server | N | env-steps/s | N / p50 frame | p50 ms/frame | p99 ms/frame | server CPU µs/env-step | client CPU µs/env-step |",
    "| --- | --- | --- | --: | --: | --: | --: | --: | --: | --: |",
  );
  const f0 = (x: number) => Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "n/a";
  const f2 = (x: number) => Number.isFinite(x) ? x.toFixed(2) : "n/a";
  for (const r of rows) {
    const ms = r.windows.flatMap((w) => w.frameMs);
    const p50 = r.pythonPercentiles ? median(r.pythonPercentiles.map((p) => p.p50)) : median(ms);
    const p99 = r.pythonPercentiles
      ? median(r.pythonPercentiles.map((p) => p.p99))
      : quantile(ms, 0.99);
    const steps = r.windows.reduce((s, w) => s + w.envSteps, 0);
    const cpu = r.windows.reduce((s, w) => s + w.serverCpu, 0);
    const clientCpu = r.windows.reduce((s, w) => s + w.clientCpu, 0);
    lines.push(
      `| ${r.transport} | ${r.client} | ${r.server} | ${r.n} | ${f0(rate(r))} | ` +
        `${f0((r.n / p50) * 1000)} | ${f2(p50)} | ` +
        `${f2(p99)} | ${f2((cpu / steps) * 1e6)} | ${f2((clientCpu / steps) * 1e6)} |`,
    );
  }
  const cp = median(cartpoles), ip = median(inProcess);
  if (ONLY.has("inprocess")) {
    lines.push(
      `| in-process object API (hard, random) | Deno | (none) | 1 | ${f0(ip)} | | | | | |`,
      `| in-process CartPole-v1 (benchmark_step) | Python | (none) | 1 | ${f0(cp)} | | | | | |`,
    );
  }
  const httpOurs = get("HTTP /step", "Deno", "alert-triage");
  const httpBare = get("HTTP /step", "Deno", BARE);
  const httpBareFixed = get("HTTP /step", "Deno", BARE_FIXED);
  const wsOurs = get("WS lock-step /ws", "Deno", "alert-triage");
  const wsRef = get("WS lock-step /ws", "Deno", "openenv-core echo");
  const wsBare = get("WS lock-step /ws", "Deno", BARE_WS);
  const py64 = get("vector WS /ws/vector", "Python", "alert-triage", 64);
  const pyLock = get("WS lock-step /ws", "Python", "alert-triage");
  const deno256 = get("vector WS /ws/vector", "Deno", "alert-triage", 256);
  const deno256Worker = get("vector WS /ws/vector", "Deno", VECTOR_WORKER_SERVER, 256);
  lines.push(
    "",
    `Targets: vector Python N=64 ${f0(py64)} env-steps/s (>= 100,000), ` +
      `${(py64 / pyLock).toFixed(1)}x the Python lock-step client (>= 20x); ` +
      `vector Deno N=256 ${f0(deno256)}, ${f0(deno256Worker)} with one vector worker ` +
      `(>= 500,000); ` +
      `in-process ${(ip / cp).toFixed(1)}x CartPole (>= 10x, 5x at minimum); ` +
      `HTTP /step ${(100 * httpOurs / httpBare).toFixed(0)}% of the bare ceiling (>= 70%; ` +
      `${(100 * httpOurs / httpBareFixed).toFixed(0)}% of the one-fixed-reply ceiling); ` +
      `WS lock-step ${(wsOurs / wsRef).toFixed(1)}x the openenv-core echo server (>= 5x; ` +
      `${(100 * wsOurs / wsBare).toFixed(0)}% of the bare Deno WebSocket ceiling, which is ` +
      `${(wsBare / wsRef).toFixed(1)}x the echo server).`,
  );
  if (values.json) console.log(JSON.stringify({ started, rows, cartpoles, inProcess }));
  else console.log(lines.join("\n"));
}
