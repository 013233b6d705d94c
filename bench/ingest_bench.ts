/**
 * Ingest throughput: alerts stored per second by the standalone ingest server (a separate
 * process, durable Deno KV file, bearer token on), measured from one client over loopback HTTP.
 *
 * ```sh
 * deno run --unstable-kv --allow-read --allow-write --allow-env --allow-net --allow-run \
 *   --allow-sys bench/ingest_bench.ts [--requests 2000] [--json]
 * ```
 *
 * Scenarios (each on a fresh KV file):
 * - `one client, 1 alert/request`: sequential POSTs of one generic alert each — the headline
 *   number; every 2xx waited for its own durable commit.
 * - `one client, 10 alerts/request`: sequential Alertmanager webhooks of 10 alerts each.
 * - `50 concurrent clients, 1 alert/request`: for context, shows group commit sharing commits.
 *
 * Under `deno bench` this module registers nothing (it needs a server process); run it as above.
 *
 * @example
 * ```ts
 * import { benchIngest } from "./ingest_bench.ts";
 * const rows = await benchIngest({ requests: 50 });
 * console.log(rows[0].alerts_per_s);
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { freePort, IngestProcess } from "../scripts/ingest/spawn_ingest.ts";

const TOKEN = "bench-token";

/** One measured scenario. */
export interface BenchRow {
  /** What was measured. */
  scenario: string;
  /** Requests sent. */
  requests: number;
  /** Alerts stored. */
  alerts: number;
  /** Wall seconds. */
  seconds: number;
  /** Alerts stored per second. */
  alerts_per_s: number;
  /** Median request latency, ms. */
  p50_ms: number;
  /** 99th-percentile request latency, ms. */
  p99_ms: number;
}

function generic(i: number): unknown {
  return { title: `Disk filling on host-${i % 23}`, dedup_key: `bench-${i}`, severity: "warning" };
}

function group(i: number): unknown {
  return {
    version: "4",
    status: "firing",
    groupKey: `{}:{alertname="DiskFillingUp",batch="${i}"}`,
    alerts: Array.from({ length: 10 }, (_, j) => ({
      status: "firing",
      labels: { alertname: "DiskFillingUp", severity: "warning", instance: `host-${j}:9100` },
      startsAt: "2026-08-20T10:00:00Z",
      fingerprint: `bench-${i}-${j}`,
    })),
  };
}

async function scenario(
  name: string,
  requests: number,
  clients: number,
  path: string,
  body: (i: number) => unknown,
  perRequest: number,
): Promise<BenchRow> {
  const dir = await Deno.makeTempDir({ prefix: "ingest-bench-" });
  const server = new IngestProcess(
    freePort(),
    `${dir}/ingest.kv`,
    TOKEN,
    requests * perRequest + 1,
  );
  await server.start();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: clients }, async () => {
      for (let i = next++; i < requests; i = next++) {
        const t = performance.now();
        const res = await fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify(body(i)),
        });
        await res.body?.cancel();
        if (res.status !== 202) throw new Error(`${name}: HTTP ${res.status}`);
        latencies.push(performance.now() - t);
      }
    }));
  } finally {
    await server.kill("SIGTERM");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round(latencies[Math.floor(p * (latencies.length - 1))] * 100) / 100;
  return {
    scenario: name,
    requests,
    alerts: requests * perRequest,
    seconds: Math.round(seconds * 100) / 100,
    alerts_per_s: Math.round((requests * perRequest) / seconds),
    p50_ms: q(0.5),
    p99_ms: q(0.99),
  };
}

/**
 * Runs the three scenarios (the first with `requests` requests; the others scaled).
 *
 * @example
 * ```ts
 * import { benchIngest } from "./ingest_bench.ts";
 * console.log(await benchIngest({ requests: 20 }));
 * ```
 */
export async function benchIngest(options: { requests?: number } = {}): Promise<BenchRow[]> {
  const n = options.requests ?? 2000;
  return [
    await scenario("one client, 1 alert/request", n, 1, "/ingest/alerts", generic, 1),
    await scenario(
      "one client, 10 alerts/request",
      Math.max(1, Math.floor(n / 5)),
      1,
      "/ingest/alerts/alertmanager",
      group,
      10,
    ),
    await scenario(
      "50 concurrent clients, 1 alert/request",
      n * 2,
      50,
      "/ingest/alerts",
      generic,
      1,
    ),
  ];
}

function machine(): string {
  let cpu = "unknown CPU";
  try {
    // Reading /proc needs --allow-all in Deno 2; a child `grep` only needs --allow-run.
    const out = new Deno.Command("grep", { args: ["-m1", "model name", "/proc/cpuinfo"] })
      .outputSync();
    cpu = /:\s*(.+)/.exec(new TextDecoder().decode(out.stdout))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return `${navigator.hardwareConcurrency} CPUs (nproc), ${cpu}, Deno ${Deno.version.deno}`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { requests: { type: "string", default: "2000" }, json: { type: "boolean" } },
  });
  const rows = await benchIngest({ requests: Number(values.requests) });
  const date = new Date().toISOString().slice(0, 10);
  if (values.json) console.log(JSON.stringify({ date, machine: machine(), rows }, null, 2));
  else {
    console.log(`ingest throughput, ${date}, ${machine()}`);
    console.log("| scenario | requests | alerts | s | alerts/s | p50 ms | p99 ms |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      console.log(
        `| ${r.scenario} | ${r.requests} | ${r.alerts} | ${r.seconds} | ${r.alerts_per_s} | ${r.p50_ms} | ${r.p99_ms} |`,
      );
    }
  }
}
