/**
 * Durability check of ingestion: N alerts (default 10,000; the five formats in turn, each with
 * its own dedup key) are POSTed with bounded concurrency (default 50 in flight) to a separate
 * ingest server process (`cli/ingest.ts`, durable KV file), which is killed with
 * SIGKILL once half of them got a 2xx and restarted after a short downtime.
 *
 * Phase 1 then checks the KV file directly: every alert that got a 2xx is stored exactly once;
 * an alert that got an error (connection refused/reset, or a 5xx) is either not stored or
 * stored exactly once and complete (an "in-doubt" commit whose answer was lost in the kill);
 * and the store's invariants (indexes, key states, counters: `store_verify.ts`) all hold, so
 * nothing is half-written. Phase 2 resends every errored alert (as a real sender retries) and
 * checks that all N are now stored exactly once — the in-doubt ones included, by idempotency.
 *
 * ```sh
 * deno task ingest:durability [--alerts 10000] [--concurrency 50] [--kill-after 0.5]
 *                             [--downtime-ms 300] [--json]
 * ```
 * Exit status 0 when every check passed, 1 otherwise.
 *
 * @example
 * ```ts
 * import { runDurability } from "./durability.ts";
 * const report = await runDurability({ alerts: 200, concurrency: 20 });
 * console.assert(report.passed);
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { IngestStore, verifyStore } from "../../src/ingest/mod.ts";
import { freePort, IngestProcess, sleep } from "./spawn_ingest.ts";

const TOKEN = "durability-token";
const FORMATS = ["alertmanager", "grafana", "pagerduty", "datadog", "generic"] as const;

/** Options of {@link runDurability}. */
export interface DurabilityOptions {
  /** Alerts to send (default 10000). */
  alerts?: number;
  /** Requests in flight at once (default 50). */
  concurrency?: number;
  /** Share of alerts answered 2xx after which the server is killed (default 0.5). */
  killAfter?: number;
  /** Pause between the kill and the restart, ms (default 300). */
  downtimeMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What one phase's check found. */
export interface PhaseCheck {
  /** Alerts answered 2xx and stored exactly once. */
  ok_stored_once: number;
  /** Alerts answered 2xx but not stored (must be 0). */
  ok_missing: number;
  /** Alerts stored more than once (must be 0). */
  duplicated: number;
  /** Errored alerts found stored once (in-doubt commits). */
  errored_stored: number;
  /** Errored alerts not stored. */
  errored_not_stored: number;
  /** Records in the store. */
  records: number;
  /** Broken store invariants (must be empty). */
  problems: string[];
}

/** The result of {@link runDurability}. */
export interface DurabilityReport {
  /** Alerts sent. */
  alerts: number;
  /** Requests in flight. */
  concurrency: number;
  /** Phase-1 answers: 2xx, HTTP errors by status, network errors. */
  phase1: { ok: number; http_errors: Record<string, number>; network_errors: number };
  /** 2xx answers counted when the SIGKILL was sent. */
  killed_after_ok: number;
  /** Check after phase 1. */
  check1: PhaseCheck;
  /** Alerts resent in phase 2 and the 2xx among them. */
  phase2: { resent: number; ok: number };
  /** Check after phase 2 (every alert now answered 2xx). */
  check2: PhaseCheck;
  /** Wall time, seconds. */
  seconds: number;
  /** Every check passed. */
  passed: boolean;
}

/** The request body of alert `i` (format `i % 5`, dedup key `dur-<i>`). */
export function durabilityAlert(i: number): { format: string; body: unknown } {
  const format = FORMATS[i % FORMATS.length];
  const key = `dur-${i}`;
  const at = new Date(Date.UTC(2026, 7, 20, 10) + i * 1000).toISOString();
  const labels = {
    alertname: "DiskFillingUp",
    severity: "warning",
    instance: `host-${i % 17}:9100`,
  };
  const bodies: Record<string, unknown> = {
    alertmanager: {
      version: "4",
      status: "firing",
      alerts: [{ labels, startsAt: at, fingerprint: key }],
    },
    grafana: {
      version: "1",
      orgId: 1,
      state: "alerting",
      status: "firing",
      alerts: [{ status: "firing", labels, startsAt: at, fingerprint: key }],
    },
    pagerduty: {
      routing_key: "r0ut1ngk3y",
      dedup_key: key,
      event_action: "trigger",
      payload: {
        summary: `Disk filling on host-${i % 17}`,
        source: `host-${i % 17}`,
        severity: "warning",
      },
    },
    datadog: {
      source: "datadog",
      alert_cycle_key: key,
      alert_transition: "Triggered",
      alert_priority: "P3",
      alert_metric: "system.disk.in_use",
      title: `[Triggered] Disk filling on host-${i % 17}`,
      date: String(Date.parse(at)),
    },
    generic: {
      title: `Disk filling on host-${i % 17}`,
      dedup_key: key,
      severity: "warning",
      timestamp: at,
    },
  };
  return { format, body: bodies[format] };
}

type Outcome = "ok" | "network" | number;

async function send(url: string, i: number): Promise<Outcome> {
  const { format, body } = durabilityAlert(i);
  try {
    const r = await fetch(`${url}/ingest/alerts/${format}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    await r.body?.cancel();
    return r.status >= 200 && r.status < 300 ? "ok" : r.status;
  } catch {
    return "network";
  }
}

async function check(kvPath: string, outcomes: Outcome[]): Promise<PhaseCheck> {
  const store = await IngestStore.open(kvPath);
  try {
    const report = await verifyStore(store.kv);
    const c: PhaseCheck = {
      ok_stored_once: 0,
      ok_missing: 0,
      duplicated: 0,
      errored_stored: 0,
      errored_not_stored: 0,
      records: report.records,
      problems: report.problems,
    };
    outcomes.forEach((o, i) => {
      const n = report.per_key.get(`${durabilityAlert(i).format}:dur-${i}`) ?? 0;
      if (n > 1) c.duplicated++;
      else if (o === "ok") n === 1 ? c.ok_stored_once++ : c.ok_missing++;
      else n === 1 ? c.errored_stored++ : c.errored_not_stored++;
    });
    return c;
  } finally {
    store.close();
  }
}

/** Runs the whole experiment (see the module doc) on a fresh KV file in a temp directory. */
export async function runDurability(options: DurabilityOptions = {}): Promise<DurabilityReport> {
  const n = options.alerts ?? 10_000;
  const concurrency = options.concurrency ?? 50;
  const log = options.log ?? (() => {});
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "ingest-durability-" });
  const server = new IngestProcess(freePort(), `${dir}/ingest.kv`, TOKEN, n * 2);
  try {
    await server.start();
    log(`server up at ${server.url}; sending ${n} alerts, ${concurrency} in flight`);
    const outcomes: Outcome[] = new Array(n);
    let next = 0;
    let ok = 0;
    let killedAfter = -1;
    let restart: Promise<void> | null = null;
    const killAt = Math.floor(n * (options.killAfter ?? 0.5));
    const worker = async () => {
      for (let i = next++; i < n; i = next++) {
        const o = await send(server.url, i);
        outcomes[i] = o;
        if (o === "ok" && ++ok >= killAt && !restart) {
          killedAfter = ok;
          log(`SIGKILL after ${ok} 2xx answers`);
          restart = (async () => {
            await server.kill("SIGKILL");
            await sleep(options.downtimeMs ?? 300);
            await server.start();
            log("server restarted");
          })();
        }
        if (o !== "ok") await sleep(100); // a sender backs off after a failure
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await restart;
    await server.kill("SIGTERM");
    const phase1 = { ok: 0, http_errors: {} as Record<string, number>, network_errors: 0 };
    for (const o of outcomes) {
      if (o === "ok") phase1.ok++;
      else if (o === "network") phase1.network_errors++;
      else phase1.http_errors[o] = (phase1.http_errors[o] ?? 0) + 1;
    }
    const check1 = await check(server.kvPath, outcomes);
    log(
      `phase 1: ${JSON.stringify(phase1)} -> ${
        JSON.stringify({ ...check1, problems: check1.problems.length })
      }`,
    );
    await server.start();
    const failed = outcomes.flatMap((o, i) => o === "ok" ? [] : [i]);
    let resentOk = 0;
    let cursor = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, failed.length) }, async () => {
      for (let k = cursor++; k < failed.length; k = cursor++) {
        for (let attempt = 0; attempt < 5; attempt++) {
          const o = await send(server.url, failed[k]);
          if (o === "ok") {
            outcomes[failed[k]] = "ok";
            resentOk++;
            break;
          }
          await sleep(200);
        }
      }
    }));
    await server.kill("SIGTERM");
    const check2 = await check(server.kvPath, outcomes);
    const passed = check1.ok_missing === 0 && check1.duplicated === 0 &&
      check1.problems.length === 0 && check2.ok_stored_once === n && check2.duplicated === 0 &&
      check2.problems.length === 0 && check2.records === n && killedAfter > 0;
    return {
      alerts: n,
      concurrency,
      phase1,
      killed_after_ok: killedAfter,
      check1,
      phase2: { resent: failed.length, ok: resentOk },
      check2,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      passed,
    };
  } finally {
    await server.kill("SIGKILL");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      alerts: { type: "string", default: "10000" },
      concurrency: { type: "string", default: "50" },
      "kill-after": { type: "string", default: "0.5" },
      "downtime-ms": { type: "string", default: "300" },
      json: { type: "boolean", default: false },
    },
  });
  const report = await runDurability({
    alerts: Number(values.alerts),
    concurrency: Number(values.concurrency),
    killAfter: Number(values["kill-after"]),
    downtimeMs: Number(values["downtime-ms"]),
    log: values.json ? undefined : (l) => console.log(l),
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    const c1 = report.check1;
    const c2 = report.check2;
    console.log(
      [
        `alerts sent: ${report.alerts} (${report.concurrency} in flight), SIGKILL after ${report.killed_after_ok} 2xx`,
        `phase 1 answers: ${report.phase1.ok} 2xx, ${report.phase1.network_errors} network errors, HTTP errors ${
          JSON.stringify(report.phase1.http_errors)
        }`,
        `phase 1 store:   2xx stored exactly once ${c1.ok_stored_once}, 2xx missing ${c1.ok_missing}, duplicated ${c1.duplicated}, ` +
        `errored but committed (in doubt) ${c1.errored_stored}, errored not stored ${c1.errored_not_stored}, records ${c1.records}, invariant problems ${c1.problems.length}`,
        `phase 2 resent:  ${report.phase2.resent} (${report.phase2.ok} 2xx)`,
        `phase 2 store:   stored exactly once ${c2.ok_stored_once}/${report.alerts}, duplicated ${c2.duplicated}, records ${c2.records}, invariant problems ${c2.problems.length}`,
        `${report.passed ? "PASS" : "FAIL"} in ${report.seconds} s`,
      ].join("\n"),
    );
    for (const p of [...c1.problems, ...c2.problems].slice(0, 20)) console.log(`  problem: ${p}`);
  }
  Deno.exit(report.passed ? 0 : 1);
}
