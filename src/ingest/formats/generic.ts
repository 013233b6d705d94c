/**
 * Plain generic JSON alert: our own minimal format for senders with a custom payload template
 * (and for Alertmanager's `POST /api/v2/alerts` style arrays). The body is one alert object or an
 * array of them; only `title` is required (or, instead, `labels.alertname`):
 *
 * ```json
 * {"title": "Disk usage 97% on db-2", "status": "firing", "dedup_key": "disk-db-2",
 *  "severity": "critical", "alert_type": "DISK", "service": "db", "host": "db-2",
 *  "metric": "disk.used_pct", "description": "/var above 95% for 10m",
 *  "timestamp": "2026-08-20T10:00:00Z", "confidence": 0.7, "truth": "critical",
 *  "labels": {"team": "sre"}}
 * ```
 *
 * - `status`: `firing` (default; aliases trigger, triggered, alerting, problem, open),
 *   `resolved` (resolve, ok, recovered, closed), `acknowledged` (ack, acknowledge); any case.
 * - `severity`: a number in 0..1 as is, or a word through `SEVERITY_TABLE` (then `labels.severity`).
 * - `alert_type`: an exact type name (any case), else keywords in `alert_type`, `metric`,
 *   `labels.alertname`, then `title`, then `description`.
 * - `dedup_key`: `dedup_key`, else `fingerprint`, else derived from title, service, host,
 *   alert_type, metric and labels.
 * - `service`: `service`, else labels (see `SERVICE_KEYS`), else `host`.
 * - `timestamp`: `timestamp` (ISO 8601 or epoch s/ms), else `startsAt`, else receipt.
 *   `endsAt` is not used for status (it would need the current time).
 * - `confidence`: number in 0..1 (else `labels.confidence`); `truth_label`: `truth`/`triage_truth`
 *   (top level, then labels).
 *
 * @example
 * ```ts
 * import { normalize } from "./generic.ts";
 * const [a] = normalize({ title: "Disk usage 97% on db-2", severity: "critical", host: "db-2" });
 * console.assert(a.alert_type === "DISK" && a.visible_severity === 0.9 && a.service === "db-2");
 * ```
 *
 * @module
 */
import { z } from "../../deps.ts";
import { parseOrThrow, requireTime } from "../errors.ts";
import {
  type AlertStatus,
  confidenceFor,
  derivedDedupKey,
  fallbackTimestamp,
  inferAlertType,
  isRecord,
  type NormalizedAlert,
  type NormalizeOptions,
  parseTimestamp,
  serviceFrom,
  truthFrom,
  visibleSeverity,
} from "../normalized_alert.ts";

/** Accepted `status` spellings (lower-cased) and what they mean. */
export const GENERIC_STATUS_ALIASES: Readonly<Record<string, AlertStatus>> = {
  firing: "firing",
  trigger: "firing",
  triggered: "firing",
  alerting: "firing",
  problem: "firing",
  open: "firing",
  resolved: "resolved",
  resolve: "resolved",
  ok: "resolved",
  recovered: "resolved",
  closed: "resolved",
  acknowledged: "acknowledged",
  acknowledge: "acknowledged",
  ack: "acknowledged",
};

/** One generic alert (see the module doc). */
export interface GenericAlert {
  /** Title (required unless `labels.alertname` is given). */
  title?: string;
  /** Lifecycle state, see {@link GENERIC_STATUS_ALIASES}; default `firing`. */
  status?: AlertStatus;
  /** Stable key shared by the firing and resolving events of one alert. */
  dedup_key?: string;
  /** Alternative dedup key. */
  fingerprint?: string;
  /** Number in 0..1 or a severity word. */
  severity?: string | number;
  /** Alert type name or descriptive text. */
  alert_type?: string;
  /** Affected service. */
  service?: string;
  /** Affected host. */
  host?: string;
  /** Metric name. */
  metric?: string;
  /** Longer description. */
  description?: string;
  /** ISO 8601 time or epoch seconds/milliseconds. */
  timestamp?: string | number;
  /** Alertmanager-style start time. */
  startsAt?: string;
  /** Detection confidence, 0..1. */
  confidence?: number;
  /** Explicit truth label. */
  truth?: string;
  /** Explicit truth label (alternative key). */
  triage_truth?: string;
  /** Free-form labels (numbers and booleans become strings). */
  labels?: Record<string, string>;
  /** Alertmanager-style annotations (`summary` is a title fallback). */
  annotations?: Record<string, string>;
}

const statusSchema = z.string().transform((s, ctx) => {
  const status = GENERIC_STATUS_ALIASES[s.trim().toLowerCase()];
  if (status) return status;
  ctx.addIssue({
    code: "custom",
    message: `unknown status "${s}" (expected firing|resolved|acknowledged)`,
  });
  return z.NEVER;
});
const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** Zod schema of one generic alert (unknown fields kept, ignored). */
export const GenericAlertSchema: z.ZodType<GenericAlert> = z.looseObject({
  title: z.string().optional(),
  status: statusSchema.optional(),
  dedup_key: z.string().min(1).optional(),
  fingerprint: z.string().min(1).optional(),
  severity: z.union([z.number().min(0).max(1), z.string()]).optional(),
  alert_type: z.string().optional(),
  service: z.string().optional(),
  host: z.string().optional(),
  metric: z.string().optional(),
  description: z.string().optional(),
  timestamp: z.union([z.string(), z.number()]).optional(),
  startsAt: z.string().optional(),
  confidence: z.number().min(0).max(1).optional(),
  truth: z.string().optional(),
  triage_truth: z.string().optional(),
  labels: z.record(z.string(), labelValue).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
}).superRefine((a, ctx) => {
  if (a.title === undefined && a.labels?.alertname === undefined) {
    ctx.addIssue({ code: "custom", path: ["title"], message: "required (or labels.alertname)" });
  }
});

/**
 * True for an object with a string `title` or `labels.alertname`, or a non-empty array of them.
 *
 * @example
 * ```ts
 * import { detect } from "./generic.ts";
 * console.assert(detect({ title: "x" }) && detect([{ labels: { alertname: "X" } }]));
 * console.assert(!detect({}) && !detect([]));
 * ```
 */
export function detect(body: unknown): boolean {
  const one = (v: unknown) =>
    isRecord(v) && (typeof v.title === "string" ||
      (isRecord(v.labels) && typeof v.labels.alertname === "string"));
  return Array.isArray(body) ? body.length > 0 && body.every(one) : one(body);
}

/**
 * Normalises a generic body (one alert or an array) into alerts, in order.
 * Throws `IngestFormatError` (field e.g. `title`, `[1].severity`) on an invalid body.
 *
 * @example
 * ```ts
 * import { normalize } from "./generic.ts";
 * const out = normalize([{ title: "OOMKilled", status: "ok" }, { title: "x", severity: 0.2 }]);
 * console.assert(out[0].alert_type === "MEMORY" && out[0].status === "resolved");
 * console.assert(out[1].visible_severity === 0.2);
 * ```
 */
export function normalize(body: unknown, options: NormalizeOptions = {}): NormalizedAlert[] {
  const list = Array.isArray(body)
    ? parseOrThrow(z.array(GenericAlertSchema), body, "generic")
    : [parseOrThrow(GenericAlertSchema, body, "generic")];
  const inputs = Array.isArray(body) ? body : [body];
  return list.map((a, i) => {
    const at = Array.isArray(body) ? `[${i}].` : "";
    const labels = a.labels ?? {};
    const notes = a.annotations ?? {};
    const title = a.title ?? labels.alertname ?? "";
    const time = requireTime(parseTimestamp(a.timestamp), `${at}timestamp`, "generic") ??
      requireTime(parseTimestamp(a.startsAt), `${at}startsAt`, "generic");
    const truth = truthFrom(a as Record<string, unknown>, labels);
    return {
      source: "generic",
      dedup_key: a.dedup_key ?? a.fingerprint ??
        derivedDedupKey(["generic", title, a.service, a.host, a.alert_type, a.metric, a.labels]),
      status: a.status ?? "firing",
      alert_type: inferAlertType(
        [a.alert_type, labels.alert_type],
        [a.alert_type, a.metric, labels.alertname],
        [title, notes.summary],
        [a.description, notes.description],
      ),
      visible_severity: visibleSeverity(a.severity, labels.severity),
      confidence: confidenceFor("generic", a.confidence, labels.confidence),
      service: serviceFrom({ ...labels, service: a.service ?? labels.service }, a.host),
      title: a.title ?? notes.summary ?? title,
      timestamp: time ?? fallbackTimestamp(options),
      ...(truth ? { truth_label: truth } : {}),
      raw: inputs[i],
    };
  });
}
