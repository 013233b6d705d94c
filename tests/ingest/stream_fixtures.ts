/**
 * A recorded Alertmanager stream (raw webhook bodies, one per line) with a known derived truth
 * per alert, for the stream-import and replay tests.
 *
 * @example
 * ```ts
 * import { alertmanagerStreamJsonl } from "./stream_fixtures.ts";
 * console.assert(alertmanagerStreamJsonl().split("\n").length > 5);
 * ```
 *
 * @module
 */

interface Spec {
  name: string;
  severity: string;
  instance: string;
  fp: string;
  at: string;
  resolvedAt?: string;
  labels?: Record<string, string>;
}

function webhook(s: Spec, status: "firing" | "resolved", reason: string): Record<string, unknown> {
  const labels = { alertname: s.name, severity: s.severity, instance: s.instance, ...s.labels };
  return {
    version: "4",
    groupKey: `{}:{alertname="${s.name}"}`,
    truncatedAlerts: 0,
    status,
    receiver: "triage-webhook",
    groupLabels: { alertname: s.name },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
    notification_reason: reason,
    alerts: [{
      status,
      labels,
      annotations: { summary: `${s.name} on ${s.instance}` },
      startsAt: s.at,
      endsAt: status === "resolved" ? s.resolvedAt : "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example:9090/graph",
      fingerprint: s.fp,
    }],
  };
}

/** The alerts of the stream and the kind the truth rules must derive for each. */
export const STREAM_SPECS: ReadonlyArray<Spec & { kind: string }> = [
  {
    name: "HighCPU",
    severity: "critical",
    instance: "web-1:9100",
    fp: "a000000000000001",
    at: "2026-08-20T10:00:00Z",
    resolvedAt: "2026-08-20T10:25:00Z",
    kind: "critical",
  },
  {
    name: "DiskFull",
    severity: "critical",
    instance: "db-primary:9100",
    fp: "a000000000000002",
    at: "2026-08-20T10:02:00Z",
    kind: "critical",
  },
  {
    name: "PingFlap",
    severity: "warning",
    instance: "edge:9100",
    fp: "a000000000000003",
    at: "2026-08-20T10:03:00Z",
    resolvedAt: "2026-08-20T10:05:00Z",
    kind: "transient",
  },
  {
    name: "LogVolume",
    severity: "info",
    instance: "app:9100",
    fp: "a000000000000004",
    at: "2026-08-20T10:04:00Z",
    resolvedAt: "2026-08-20T10:06:00Z",
    kind: "noise",
  },
  {
    name: "MemoryHigh",
    severity: "warning",
    instance: "api:9100",
    fp: "a000000000000005",
    at: "2026-08-20T10:10:00Z",
    kind: "noise",
  },
  {
    name: "QueueLag",
    severity: "warning",
    instance: "queue:9100",
    fp: "a000000000000006",
    at: "2026-08-20T10:12:00Z",
    labels: { truth: "critical" },
    kind: "critical",
  },
];

/**
 * The stream as JSONL: every firing notification, a repeat of the first, the resolves, and
 * `PingFlap` firing again after its resolve (a second cycle, transient again).
 */
export function alertmanagerStreamJsonl(): string {
  const s = STREAM_SPECS;
  const lines = [
    webhook(s[0], "firing", "first notification"),
    webhook(s[1], "firing", "first notification"),
    webhook(s[2], "firing", "first notification"),
    webhook(s[3], "firing", "first notification"),
    webhook(s[2], "resolved", "all alerts resolved"),
    webhook(s[3], "resolved", "all alerts resolved"),
    webhook(s[4], "firing", "first notification"),
    webhook(s[5], "firing", "first notification"),
    webhook(s[0], "firing", "repeat interval elapsed"),
    webhook(
      { ...s[2], at: "2026-08-20T10:20:00Z", resolvedAt: "2026-08-20T10:21:00Z" },
      "firing",
      "first notification",
    ),
    webhook(
      { ...s[2], at: "2026-08-20T10:20:00Z", resolvedAt: "2026-08-20T10:21:00Z" },
      "resolved",
      "all alerts resolved",
    ),
    webhook(s[0], "resolved", "all alerts resolved"),
  ];
  return lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
}
