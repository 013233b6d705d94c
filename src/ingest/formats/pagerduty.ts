/**
 * PagerDuty Events API v2 (`POST /v2/enqueue` body): one {@link NormalizedAlert} per event.
 *
 * Validation follows PagerDuty's own: `routing_key` and `event_action`
 * (`trigger|acknowledge|resolve`) always; on trigger `payload.summary` (≤ 1024 chars),
 * `payload.source` and `payload.severity` (`critical|error|warning|info`); on acknowledge and
 * resolve `dedup_key`. Everything else is optional; unknown fields are ignored.
 * (The legacy v1 body — `service_key`, `event_type` — is not accepted.)
 *
 * Mapping:
 * - `status`: trigger → `firing`, acknowledge → `acknowledged`, resolve → `resolved`.
 * - `dedup_key`: `dedup_key`, else (trigger) derived from `payload` summary, source, component,
 *   group and class — never from `routing_key`.
 * - `alert_type`: `custom_details.alert_type` if an exact type name, else keywords in
 *   `payload.class`/`component`/`summary`, then `group`. Ack/resolve without payload:
 *   `APPLICATION` (storage matches them to the open alert by dedup key).
 * - `visible_severity`: `payload.severity` (default 0.5 without payload).
 * - `service`: `custom_details.service`, else `payload.group`, `component`, `source`, `unknown`.
 * - Alertmanager's PagerDuty notifier (its defaults: `client: "Alertmanager"`, `source`
 *   `Alertmanager`, severity `error` for everything) puts each alert's labels in
 *   `custom_details.firing`/`resolved` as ` - key = value` lines: when present, the first
 *   alert's labels decide instead — severity from label `severity`/`priority` (then
 *   `payload.severity`), service from the labels (`SERVICE_KEYS`), type from `alertname`, truth
 *   and confidence from labels; `source`/`client` `Alertmanager` is never taken as the service.
 * - `confidence`, `truth_label`: `custom_details.confidence`, `custom_details.truth`/`triage_truth`.
 * - `timestamp`: `payload.timestamp`, else receipt time. `raw`: the event (with `routing_key`).
 *
 * @example
 * ```ts
 * import { normalize } from "./pagerduty.ts";
 * const [a] = normalize({ routing_key: "k", dedup_key: "d1", event_action: "acknowledge" });
 * console.assert(a.status === "acknowledged" && a.dedup_key === "d1");
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

/** PagerDuty event severities. */
export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;

/** The `payload` of a PagerDuty v2 event. */
export interface PagerDutyPayload {
  /** Summary, ≤ 1024 chars (required on trigger). */
  summary?: string;
  /** Affected system, preferably a hostname (required on trigger). */
  source?: string;
  /** One of {@link PAGERDUTY_SEVERITIES} (required on trigger). */
  severity?: typeof PAGERDUTY_SEVERITIES[number];
  /** ISO 8601 time of the event. */
  timestamp?: string;
  /** Component of the source, e.g. `postgres`. */
  component?: string;
  /** Logical group of components, e.g. `prod-datapipe`. */
  group?: string;
  /** Class/type of the event, e.g. `deploy`. */
  class?: string;
  /** Free-form details. */
  custom_details?: unknown;
}

/** A PagerDuty Events API v2 event. */
export interface PagerDutyEvent {
  /** 32-char integration key. */
  routing_key: string;
  /** `trigger`, `acknowledge` or `resolve`. */
  event_action: "trigger" | "acknowledge" | "resolve";
  /** Dedup key, ≤ 255 chars (required on acknowledge/resolve). */
  dedup_key?: string;
  /** Event payload (required on trigger). */
  payload?: PagerDutyPayload;
  /** Images to attach. */
  images?: unknown[];
  /** Links to attach. */
  links?: unknown[];
  /** Name of the sending client. */
  client?: string;
  /** URL of the sending client. */
  client_url?: string;
}

const payloadSchema = z.looseObject({
  summary: z.string().min(1).max(1024).optional(),
  source: z.string().min(1).optional(),
  severity: z.enum(PAGERDUTY_SEVERITIES).optional(),
  timestamp: z.string().optional(),
  component: z.string().optional(),
  group: z.string().optional(),
  class: z.string().optional(),
  custom_details: z.unknown().optional(),
});

/** Zod schema of a PagerDuty v2 event, with the per-action required fields. */
export const PagerDutyEventSchema: z.ZodType<PagerDutyEvent> = z.looseObject({
  routing_key: z.string().min(1),
  event_action: z.enum(["trigger", "acknowledge", "resolve"]),
  dedup_key: z.string().min(1).max(255).optional(),
  payload: payloadSchema.optional(),
  images: z.array(z.unknown()).optional(),
  links: z.array(z.unknown()).optional(),
  client: z.string().optional(),
  client_url: z.string().optional(),
}).superRefine((event, ctx) => {
  const required = (path: string[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  if (event.event_action !== "trigger") {
    if (event.dedup_key === undefined) required(["dedup_key"], `required on ${event.event_action}`);
    return;
  }
  if (!event.payload) return required(["payload"], "required on trigger (expected object)");
  for (const key of ["summary", "source", "severity"] as const) {
    if (event.payload[key] === undefined) required(["payload", key], "required on trigger");
  }
});

const ACTION_STATUS: Record<PagerDutyEvent["event_action"], AlertStatus> = {
  trigger: "firing",
  acknowledge: "acknowledged",
  resolve: "resolved",
};

/**
 * True for an object with a string `event_action` (even if otherwise invalid, so that the
 * error names the missing field).
 *
 * @example
 * ```ts
 * import { detect } from "./pagerduty.ts";
 * console.assert(detect({ routing_key: "k", event_action: "resolve", dedup_key: "d" }));
 * ```
 */
export function detect(body: unknown): boolean {
  return isRecord(body) && typeof body.event_action === "string";
}

/**
 * Normalises one PagerDuty v2 event (always a one-element array).
 * Throws `IngestFormatError` (field e.g. `payload.severity`) on an invalid event.
 *
 * @example
 * ```ts
 * import { normalize } from "./pagerduty.ts";
 * const [a] = normalize({ routing_key: "k", event_action: "trigger", payload: {
 *   summary: "Disk 97% on db-2", source: "db-2", severity: "error" } });
 * console.assert(a.alert_type === "DISK" && a.visible_severity === 0.7 && a.service === "db-2");
 * ```
 */
export function normalize(body: unknown, options: NormalizeOptions = {}): NormalizedAlert[] {
  const event = parseOrThrow(PagerDutyEventSchema, body, "pagerduty");
  const p: PagerDutyPayload = event.payload ?? {};
  const details = isRecord(p.custom_details) ? p.custom_details : {};
  const time = requireTime(parseTimestamp(p.timestamp), "payload.timestamp", "pagerduty");
  const labels = alertmanagerLabels(details);
  const truth = truthFrom(labels, details);
  const sender = (s: string | undefined) => s === event.client ? undefined : s;
  const dedupKey = event.dedup_key ??
    derivedDedupKey(["pagerduty", p.summary, p.source, p.component, p.group, p.class]);
  return [{
    source: "pagerduty",
    dedup_key: dedupKey,
    status: ACTION_STATUS[event.event_action],
    alert_type: inferAlertType(
      [details.alert_type, labels.alert_type, labels.type, labels.category],
      [labels.alertname, p.class, p.component, p.summary],
      [p.group],
    ),
    visible_severity: visibleSeverity(labels.severity, labels.priority, p.severity),
    confidence: confidenceFor("pagerduty", details.confidence, labels.confidence),
    service: serviceFrom(labels, details.service, p.group, p.component, sender(p.source)),
    title: p.summary ?? `PagerDuty ${event.event_action} ${dedupKey}`,
    timestamp: time ?? fallbackTimestamp(options),
    ...(truth ? { truth_label: truth } : {}),
    raw: body,
  }];
}

/**
 * The first alert's labels in the details Alertmanager's PagerDuty notifier sends
 * (`custom_details.firing` or `.resolved`: `Labels:` then ` - key = value` lines), else `{}`.
 *
 * @example
 * ```ts
 * import { alertmanagerLabels } from "./pagerduty.ts";
 * const l = alertmanagerLabels({ firing: "Labels:\n - alertname = HighCPU\n - severity = critical\n" });
 * console.assert(l.alertname === "HighCPU" && l.severity === "critical");
 * ```
 */
export function alertmanagerLabels(details: Record<string, unknown>): Record<string, string> {
  const text = [details.firing, details.resolved].find((t) =>
    typeof t === "string" && t.includes("Labels:")
  ) as string | undefined;
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  const lines = text.split("\n");
  for (let i = lines.findIndex((l) => l.trim() === "Labels:") + 1; i < lines.length; i++) {
    const m = /^\s*-\s+([^=\s][^=]*?)\s+=\s+(.*)$/.exec(lines[i]);
    if (!m) break;
    out[m[1]] = m[2].trim();
  }
  return out;
}
