/**
 * Fuzz: hostile requests from fast-check arbitraries against every HTTP endpoint, and hostile
 * frames against the three WebSocket endpoints. Passes when no response is a 5xx, every
 * error response is JSON with a `detail`, every frame gets a well-formed reply (never an
 * internal error), and the server is alive and playable at the end.
 *
 * ```sh
 * deno run --allow-net --allow-run --allow-env --allow-read scripts/server/fuzz.ts \
 *   [--runs 10000] [--frames 3000] [--seed 42] [--url http://127.0.0.1:8000]
 * ```
 * Without `--url` it spawns the server (`deno serve`, least-privilege flags) with an in-memory
 * alert store (`ALERT_TRIAGE_KV_PATH=:memory:`), so `/ingest/*` is fuzzed without touching
 * `./data`. Exit 1 on failure.
 *
 * @module
 */
import fc from "fast-check";
import {
  type FuzzRequest,
  httpRequestArb,
  mcpFrameArb,
  openenvFrameArb,
  trainFrameArb,
} from "./fuzz_arbitraries.ts";
import { spawnServer } from "./spawn.ts";
import { WsClient } from "./ws_client.ts";

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Server base URL. */
  url: string;
  /** HTTP requests to send. */
  runs: number;
  /** WebSocket frames to send (split over /ws, /ws/train and /mcp). */
  frames: number;
  /** fast-check seed. */
  seed: number;
  /** The server's body limit (to size the oversized bodies). */
  maxBody?: number;
}

/** What {@link runFuzz} saw. */
export interface FuzzReport {
  /** HTTP requests sent. */
  requests: number;
  /** Frames sent. */
  frames: number;
  /** Responses per status code. */
  statuses: Record<number, number>;
  /** Descriptions of the failures (5xx, malformed errors, bad frames). */
  failures: string[];
  /** Whether the server answered /health and played a step at the end. */
  alive: boolean;
}

function bodyOf(req: FuzzRequest): BodyInit | null {
  if (req.body === null) return null;
  if (typeof req.body === "string") return req.body;
  if (req.body instanceof Uint8Array) return new Uint8Array(req.body);
  const total = req.body.stream;
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(65536, total - sent);
      controller.enqueue(new Uint8Array(n).fill(0x5b));
      sent += n;
    },
  });
}

function describe(req: FuzzRequest): string {
  const body = req.body === null
    ? "null"
    : typeof req.body === "string"
    ? JSON.stringify(req.body.slice(0, 160))
    : req.body instanceof Uint8Array
    ? `${req.body.length} bytes`
    : `stream of ${req.body.stream} bytes`;
  return `${req.method} ${req.path.slice(0, 120)} ${JSON.stringify(req.headers)} body=${body}`;
}

async function sendHttp(url: string, req: FuzzRequest, report: FuzzReport): Promise<void> {
  const canHaveBody = req.method !== "GET";
  const res = await fetch(url + req.path, {
    method: req.method,
    headers: req.headers,
    body: canHaveBody ? bodyOf(req) : null,
    redirect: "manual",
    // @ts-ignore: `duplex` is required by fetch for stream bodies
    duplex: "half",
  });
  const text = await res.text();
  report.requests++;
  report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
  if (res.status >= 500) {
    report.failures.push(`${res.status} for ${describe(req)}: ${text.slice(0, 200)}`);
  } else if (res.status >= 400) {
    try {
      if (!("detail" in JSON.parse(text))) throw new Error("no detail");
    } catch {
      report.failures.push(`non-JSON ${res.status} for ${describe(req)}: ${text.slice(0, 200)}`);
    }
  }
}

const FRAME_TYPES: Record<string, Set<string>> = {
  "/ws": new Set(["observation", "state", "error", "mcp"]),
  "/ws/train": new Set(["reset", "step", "state", "error"]),
};

function checkFrame(path: string, text: string, frame: string | Uint8Array): string | null {
  let reply;
  try {
    reply = JSON.parse(text);
  } catch {
    return `non-JSON reply on ${path}: ${text.slice(0, 200)}`;
  }
  const what = typeof frame === "string" ? JSON.stringify(frame.slice(0, 160)) : "binary";
  if (path === "/mcp") {
    return reply.jsonrpc === "2.0" && reply.error?.code !== -32603 || reply.result
      ? null
      : `bad JSON-RPC reply to ${what}: ${text.slice(0, 200)}`;
  }
  if (!FRAME_TYPES[path].has(reply.type)) return `unknown reply type on ${path}: ${text}`;
  const message = reply.data?.message ?? reply.error?.message;
  if (reply.type === "error" && /internal/i.test(String(message))) {
    return `internal error on ${path} for ${what}: ${text.slice(0, 200)}`;
  }
  return null;
}

async function fuzzSocket(
  url: string,
  path: string,
  arb: fc.Arbitrary<string | Uint8Array>,
  count: number,
  seed: number,
  report: FuzzReport,
  maxFrame: number,
): Promise<void> {
  const wsUrl = url.replace(/^http/, "ws") + path;
  let ws = await WsClient.connect(wsUrl);
  await fc.assert(
    fc.asyncProperty(arb, async (frame) => {
      if (ws.socket.readyState !== WebSocket.OPEN) ws = await WsClient.connect(wsUrl);
      ws.send(frame);
      report.frames++;
      const isClose = typeof frame === "string" && /^\{"type":"close"\}$/.test(frame);
      try {
        const text = await ws.next(10000);
        const problem = checkFrame(path, text, frame);
        if (problem) report.failures.push(problem);
      } catch (err) {
        const closed = ws.socket.readyState !== WebSocket.OPEN;
        const size = typeof frame === "string"
          ? new TextEncoder().encode(frame).length
          : frame.length;
        if (!closed) report.failures.push(`no reply on ${path}: ${err}`);
        else if (size > maxFrame) {
          // a frame over the limit closes the socket with 1009 (message too big)
          const { code } = await ws.closed;
          if (code !== 1009) report.failures.push(`${path} closed with ${code} on a big frame`);
        } else if (!isClose && path === "/ws/train") {
          report.failures.push(`/ws/train closed on a frame`);
        }
      }
      return true;
    }),
    { numRuns: count, seed, endOnFailure: true },
  );
  await ws.close();
}

/** Runs the fuzz against a server. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = { requests: 0, frames: 0, statuses: {}, failures: [], alive: false };
  const { url } = options;
  await fc.assert(
    fc.asyncProperty(httpRequestArb(options.maxBody ?? 1024 * 1024), async (req) => {
      try {
        await sendHttp(url, req, report);
      } catch (err) {
        report.failures.push(`transport error for ${describe(req)}: ${err}`);
      }
      return true;
    }),
    { numRuns: options.runs, seed: options.seed, endOnFailure: true },
  );
  const perSocket = Math.ceil(options.frames / 3);
  const maxFrame = options.maxBody ?? 1024 * 1024;
  await fuzzSocket(url, "/ws", openenvFrameArb, perSocket, options.seed + 1, report, maxFrame);
  await fuzzSocket(url, "/ws/train", trainFrameArb, perSocket, options.seed + 2, report, maxFrame);
  await fuzzSocket(url, "/mcp", mcpFrameArb, perSocket, options.seed + 3, report, maxFrame);
  report.alive = await playable(url);
  return report;
}

/** Whether the server answers /health and plays a reset and a step. */
export async function playable(url: string): Promise<boolean> {
  try {
    const health = await (await fetch(url + "/health")).json();
    const id = `fuzz-final-${crypto.randomUUID()}`;
    const reset = await fetch(url + "/reset", {
      method: "POST",
      headers: { "X-Session-Id": id },
      body: "{}",
    });
    await reset.body?.cancel();
    const token = reset.headers.get("x-session-token") ?? "";
    const step = await fetch(url + "/step", {
      method: "POST",
      headers: { "X-Session-Id": id, "X-Session-Token": token },
      body: JSON.stringify({ action: { decisions: [] } }),
    });
    await step.body?.cancel();
    return health.status === "healthy" && reset.status === 200 && step.status === 200;
  } catch {
    return false;
  }
}

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

if (import.meta.main) {
  const given = flag("url", "");
  // --guarded: the server behind the connection guard (cli/server_compiled.ts)
  const server = given ? null : await spawnServer({
    ALERT_TRIAGE_MAX_SESSIONS: "64",
    ALERT_TRIAGE_KV_PATH: ":memory:",
  }, { guarded: Deno.args.includes("--guarded") });
  const url = given || server!.url;
  const t0 = performance.now();
  const report = await runFuzz({
    url,
    runs: Number(flag("runs", "10000")),
    frames: Number(flag("frames", "3000")),
    seed: Number(flag("seed", "42")),
  });
  const seconds = (performance.now() - t0) / 1000;
  const processAlive = server ? server.alive() : true;
  await server?.stop();
  console.log(
    `fuzz: ${report.requests} HTTP requests + ${report.frames} WebSocket frames against ${url} ` +
      `in ${seconds.toFixed(1)} s\n` +
      `  statuses ${JSON.stringify(report.statuses)}\n` +
      `  responses >= 500: ${
        Object.entries(report.statuses).filter(([s]) => Number(s) >= 500)
          .reduce((a, [, n]) => a + n, 0)
      }, failures ${report.failures.length}, server alive ${report.alive && processAlive}`,
  );
  for (const f of report.failures.slice(0, 20)) console.log("  " + f);
  Deno.exit(report.failures.length === 0 && report.alive && processAlive ? 0 : 1);
}
