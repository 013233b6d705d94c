/**
 * Abuse and soak run: starts the server (behind its connection guard, `cli/server_compiled.ts`,
 * on loopback), runs each attack of issue 12 against it in turn, and prints one table: attack,
 * server RSS before / peak / after (after: once the attackers left and `--settle` seconds
 * passed), `/health` during the attack (answered / asked, slowest answer), and the result.
 * Bounded in time and count; loopback only.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-run --allow-read --allow-env \
 *   scripts/server/abuse.ts [--quick] [--settle 30] [--json out.json] [--unguarded]
 * ```
 *
 * `--unguarded` runs the same attacks against `deno serve cli/server.ts` (no connection guard),
 * for comparison.
 *
 * Attacks: a WebSocket flood whose replies are never read; six 60 MB WebSocket frames at once;
 * 300 slow-body connections (declaring 1,000,000 bytes, then a byte every 2 s); 300 slow-header
 * connections (a header line every 2 s); 300 idle keep-alive connections; 1,000 sessions from
 * one client. `--quick` (the test suite's version) uses 50 connections, 8 MB frames, a 2 s
 * settle and short server deadlines. Exit code 1 if the server died, `/health` failed, or a
 * peak passed 300 MB.
 *
 * @module
 */
import { type ServerProcess, spawnServer } from "./spawn.ts";

/** One row of the table. */
export interface AbuseRow {
  /** What was done. */
  attack: string;
  /** Server RSS when the attack started, MB. */
  rssBefore: number;
  /** Highest server RSS seen during the attack, MB. */
  rssPeak: number;
  /** Server RSS `settle` seconds after the attackers left, MB. */
  rssAfter: number;
  /** `/health` answered 200 / asked during the attack. */
  health: [number, number];
  /** Slowest `/health` answer during the attack, ms. */
  healthMaxMs: number;
  /** What the server did to the attackers. */
  result: string;
}

/** Options of {@link runAbuse}. */
export interface AbuseOptions {
  /** Smaller counts, short deadlines (for the test suite). */
  quick: boolean;
  /** Seconds to wait after each attack before sampling RSS "after". */
  settleSeconds: number;
  /** Run against `deno serve cli/server.ts` (no connection guard), for comparison. */
  unguarded?: boolean;
}

const enc = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resident set size of the server process, MB: from `/proc/<pid>/status` when this process may
 * read it (`--allow-all`), else the server's own `process_resident_memory_bytes` (`/metrics`).
 */
export async function rssMb(server: ServerProcess): Promise<number> {
  try {
    const status = Deno.readTextFileSync(`/proc/${server.process.pid}/status`);
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    const text = await (await fetch(server.url + "/metrics")).text();
    return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? 0) / 2 ** 20;
  }
}

/** Samples RSS and `/health` every 250 ms while `attack` runs. */
async function observe(
  server: ServerProcess,
  attack: () => Promise<string>,
): Promise<Omit<AbuseRow, "attack" | "rssAfter">> {
  const rssBefore = await rssMb(server);
  let rssPeak = rssBefore;
  const health: [number, number] = [0, 0];
  let healthMaxMs = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      rssPeak = Math.max(rssPeak, await rssMb(server).catch(() => 0));
      const t0 = performance.now();
      health[1]++;
      try {
        const res = await fetch(server.url + "/health", { signal: AbortSignal.timeout(5000) });
        if (res.ok && (await res.json()).status === "healthy") health[0]++;
      } catch { /* counted as failed */ }
      healthMaxMs = Math.max(healthMaxMs, performance.now() - t0);
      await sleep(250);
    }
  })();
  let result: string;
  try {
    result = await attack();
  } finally {
    running = false;
    await sampler;
  }
  return { rssBefore, rssPeak, health, healthMaxMs, result };
}

/** A raw TCP connection to the server. */
function connect(url: string): Promise<Deno.TcpConn> {
  const { hostname, port } = new URL(url);
  return Deno.connect({ hostname, port: Number(port) });
}

const UPGRADE = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/** A masked (all-zero mask) client text frame of a short payload (< 126 bytes). */
function textFrame(payload: Uint8Array): Uint8Array {
  return new Uint8Array([0x81, 0x80 | payload.length, 0, 0, 0, 0, ...payload]);
}

/** Seconds until the server closes `conn` (reading and discarding), or null at `limitMs`. */
async function closedWithin(conn: Deno.TcpConn, limitMs: number): Promise<number | null> {
  const t0 = performance.now();
  const buf = new Uint8Array(16 * 1024);
  const timer = setTimeout(() => conn.close(), limitMs);
  try {
    while (await conn.read(buf) !== null) { /* discard */ }
  } catch {
    if (performance.now() - t0 >= limitMs - 5) return null; // our own close
  }
  clearTimeout(timer);
  const elapsed = performance.now() - t0;
  try {
    conn.close();
  } catch { /* closed */ }
  return elapsed >= limitMs - 5 ? null : elapsed / 1000;
}

/** Opens `n` connections, each started by `start`, and reports how many the server dropped. */
async function holdOpen(
  url: string,
  n: number,
  limitMs: number,
  start: (conn: Deno.TcpConn) => Promise<void>,
  drip?: (conn: Deno.TcpConn) => Promise<void>,
): Promise<string> {
  const conns = await Promise.all(Array.from({ length: n }, () => connect(url)));
  await Promise.all(conns.map((c) => start(c).catch(() => {})));
  let dripping = true;
  const dripper = drip
    ? (async () => {
      while (dripping) {
        await sleep(2000);
        await Promise.all(conns.map((c) => drip(c).catch(() => {})));
      }
    })()
    : Promise.resolve();
  const times = await Promise.all(conns.map((c) => closedWithin(c, limitMs)));
  dripping = false;
  await dripper;
  const dropped = times.filter((t): t is number => t !== null);
  const max = dropped.length ? Math.max(...dropped) : 0;
  return `${dropped.length}/${n} dropped by the server, the last after ${max.toFixed(1)} s`;
}

/** The attacks, in order. */
function attacks(url: string, quick: boolean): [string, () => Promise<string>][] {
  const conns = quick ? 50 : 300;
  const frameMb = quick ? 8 : 60;
  return [
    [`unread WS flood (4 sockets x ${quick ? 3 : 10} s, replies never read)`, async () => {
      const stopAt = Date.now() + (quick ? 3000 : 10000);
      const frame = textFrame(enc.encode('{"type":"reset","data":{"task_id":"hard"}}'));
      const burst = new Uint8Array(frame.length * 200);
      for (let i = 0; i < 200; i++) burst.set(frame, i * frame.length);
      let dropped = 0;
      let sent = 0;
      await Promise.all(Array.from({ length: 4 }, async () => {
        while (Date.now() < stopAt) {
          const conn = await connect(url);
          try {
            await conn.write(enc.encode(UPGRADE("/ws")));
            while (Date.now() < stopAt) {
              await conn.write(burst);
              sent += 200;
            }
          } catch {
            dropped++;
          }
          try {
            conn.close();
          } catch { /* closed */ }
        }
      }));
      return `${sent} frames sent unread; server closed ${dropped} sockets (1008 at 1 MiB)`;
    }],
    [`6 WS frames of ${frameMb} MB at once`, async () => {
      const codes = await Promise.all(Array.from({ length: 6 }, async () => {
        const conn = await connect(url);
        await conn.write(enc.encode(UPGRADE("/ws")));
        const size = frameMb * 1_000_000;
        const head = new Uint8Array([
          0x81,
          0x80 | 127,
          0,
          0,
          0,
          0,
          (size >>> 24) & 0xff,
          (size >>> 16) & 0xff,
          (size >>> 8) & 0xff,
          size & 0xff,
          0,
          0,
          0,
          0,
        ]);
        const chunk = new Uint8Array(256 * 1024).fill(0x20);
        let received = new Uint8Array();
        const reading = (async () => {
          const buf = new Uint8Array(4096);
          try {
            for (;;) {
              const n = await conn.read(buf);
              if (n === null) break;
              received = new Uint8Array([...received, ...buf.subarray(0, n)]).slice(-512);
            }
          } catch { /* reset */ }
        })();
        try {
          await conn.write(head);
          for (let sent = 0; sent < size; sent += chunk.length) await conn.write(chunk);
        } catch { /* refused */ }
        await Promise.race([reading, sleep(5000)]);
        try {
          conn.close();
        } catch { /* closed */ }
        // a close frame: 0x88, length, code (2 bytes)
        for (let i = received.length - 2; i >= 0; i--) {
          if (received[i] === 0x88 && received[i + 1] >= 2 && i + 3 < received.length) {
            return String(received[i + 2] * 256 + received[i + 3]);
          }
        }
        return "none";
      }));
      const tally: Record<string, number> = {};
      for (const c of codes) tally[c] = (tally[c] ?? 0) + 1;
      return `close codes ${JSON.stringify(tally)}`;
    }],
    [`${conns} slow-body connections (1,000,000 declared, 1 byte / 2 s)`, () =>
      holdOpen(
        url,
        conns,
        quick ? 8000 : 40000,
        (c) =>
          c.write(enc.encode(
            "POST /reset HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n{",
          )).then(() => {}),
        (c) => c.write(enc.encode(" ")).then(() => {}),
      )],
    [`${conns} slow-header connections (a header line / 2 s)`, () =>
      holdOpen(
        url,
        conns,
        quick ? 8000 : 40000,
        (c) => c.write(enc.encode("GET /health HTTP/1.1\r\nHost: x\r\n")).then(() => {}),
        (c) => c.write(enc.encode("X-Slow: 1\r\n")).then(() => {}),
      )],
    [`${conns} idle keep-alive connections`, () =>
      holdOpen(
        url,
        conns,
        quick ? 8000 : 45000,
        (c) => c.write(enc.encode("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).then(() => {}),
      )],
    ["1,000 sessions from one client", async () => {
      const statuses: Record<number, number> = {};
      for (let i = 0; i < 1000; i += 50) {
        await Promise.all(Array.from({ length: 50 }, async (_, k) => {
          const res = await fetch(url + "/reset", {
            method: "POST",
            body: "{}",
            headers: { "X-Session-Id": `abuse-${i + k}` },
          });
          await res.body?.cancel();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        }));
      }
      const shared = await fetch(url + "/reset", { method: "POST", body: "{}" });
      await shared.body?.cancel();
      return `statuses ${JSON.stringify(statuses)}; default session ${shared.status}`;
    }],
  ];
}

/** Runs every attack against a fresh guarded server; returns the table rows and the baseline. */
export async function runAbuse(
  options: AbuseOptions,
  log: (line: string) => void = () => {},
): Promise<{ rows: AbuseRow[]; baseline: number; alive: boolean }> {
  const env: Record<string, string> = { ALERT_TRIAGE_KV_PATH: ":memory:" };
  if (options.quick) {
    Object.assign(env, {
      ALERT_TRIAGE_BODY_TIMEOUT_SECONDS: "1",
      ALERT_TRIAGE_REQUEST_TIMEOUT_SECONDS: "2",
      ALERT_TRIAGE_KEEP_ALIVE_TIMEOUT_SECONDS: "2",
      ALERT_TRIAGE_MAX_BODY_BYTES: String(1024 * 1024),
    });
  }
  const server = await spawnServer(env, { guarded: !options.unguarded });
  const rows: AbuseRow[] = [];
  try {
    // warm up: a few episodes and every page, so the baseline is a server in use
    for (let i = 0; i < 5; i++) {
      const r = await fetch(server.url + "/reset", { method: "POST", body: `{"seed":${i}}` });
      await r.body?.cancel();
      const s = await fetch(server.url + "/step", {
        method: "POST",
        body: '{"action":{"decisions":[]}}',
      });
      await s.body?.cancel();
    }
    for (const path of ["/metrics", "/openapi.json", "/tasks"]) {
      await (await fetch(server.url + path)).body?.cancel();
    }
    await sleep(1000);
    const baseline = await rssMb(server);
    log(`baseline RSS ${baseline.toFixed(1)} MB (pid ${server.process.pid})`);
    for (const [attack, run] of attacks(server.url, options.quick)) {
      log(`attack: ${attack}`);
      const seen = await observe(server, run);
      await sleep(options.settleSeconds * 1000);
      const row = { attack, ...seen, rssAfter: await rssMb(server) };
      rows.push(row);
      log(`  ${formatRow(row)}`);
      if (!server.alive()) break;
    }
    return { rows, baseline, alive: server.alive() };
  } finally {
    await server.stop();
  }
}

function formatRow(r: AbuseRow): string {
  return [
    r.attack,
    r.rssBefore.toFixed(0),
    r.rssPeak.toFixed(0),
    r.rssAfter.toFixed(0),
    `${r.health[0]}/${r.health[1]} ok, max ${r.healthMaxMs.toFixed(0)} ms`,
    r.result,
  ].join(" | ");
}

/** The table, as Markdown. */
export function abuseTable(rows: AbuseRow[]): string {
  return [
    "| attack | RSS before (MB) | RSS peak (MB) | RSS after (MB) | /health during | result |",
    "| --- | ---: | ---: | ---: | --- | --- |",
    ...rows.map((r) => `| ${formatRow(r)} |`),
  ].join("\n");
}

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const settleSeconds = Number(flag("settle", quick ? "2" : "30"));
  const t0 = performance.now();
  const unguarded = Deno.args.includes("--unguarded");
  const { rows, baseline, alive } = await runAbuse(
    { quick, settleSeconds, unguarded },
    console.error,
  );
  console.log(abuseTable(rows));
  const worstAfter = Math.max(...rows.map((r) => r.rssAfter));
  const peak = Math.max(...rows.map((r) => r.rssPeak));
  const healthy = rows.every((r) => r.health[0] === r.health[1]);
  console.log(
    `\nbaseline ${baseline.toFixed(1)} MB; highest peak ${peak.toFixed(1)} MB (limit 300); ` +
      `highest after ${worstAfter.toFixed(1)} MB (${
        ((worstAfter / baseline - 1) * 100).toFixed(0)
      }% over baseline, limit 20%); health ${healthy ? "ok throughout" : "FAILED"}; ` +
      `server alive ${alive}; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  const json = flag("json", "");
  if (json) await Deno.writeTextFile(json, JSON.stringify({ baseline, rows }, null, 2));
  Deno.exit(alive && healthy && peak <= 300 ? 0 : 1);
}
