/**
 * Prometheus Alertmanager webhook (`version: "4"`), one {@link NormalizedAlert} per entry of
 * `alerts`. Later additions (`notification_reason`, `routeLabels`, `truncatedAlerts`) and any
 * unknown field are accepted and ignored. Grafana's webhook reuses {@link normalizeAlertGroup}.
 *
 * Mapping, per alert (`labels` = `commonLabels` overlaid by the alert's own, same for annotations):
 * - `dedup_key`: `fingerprint`, else derived from `[source, labels]` (as Alertmanager's own
 *   fingerprint is a hash of the label set).
 * - `status`: alert `status`, else the webhook `status`, else `firing`.
 * - `timestamp`: when firing, `startsAt` (else receipt). When resolved, `endsAt`, but a zero
 *   (`0001-01-01T00:00:00Z`, which Alertmanager sends for some resolves) or absent `endsAt`
 *   means "now", the receipt time; either way never before `startsAt`.
 * - `alert_type`: labels `alert_type`/`type`/`category` if an exact type name, else keywords
 *   in `alertname`/`__name__`/`metric`, then annotation `summary`, then `description`.
 * - `visible_severity`: label `severity`, else `priority`. `confidence`: label `confidence`.
 * - `service`: labels (see `SERVICE_KEYS`). `truth_label`: label/annotation `truth`/`triage_truth`.
 * - `title`: `"<alertname>: <summary>"` (either part alone if the other is missing).
 * - `raw`: the webhook with `alerts` reduced to this one alert (re-ingestable on its own).
 *
 * @example
 * ```ts
 * import { normalize } from "./alertmanager.ts";
 * const [a] = normalize({ version: "4", status: "firing", alerts: [{ status: "firing",
 *   labels: { alertname: "HighCPU", severity: "critical", job: "node" },
 *   startsAt: "2026-08-20T10:00:00Z", fingerprint: "4f2b1c9d8e7a6b5c" }] });
 * console.assert(a.alert_type === "CPU" && a.visible_severity === 0.9 && a.service === "node");
 * ```
 *
 * @module
 */
import { z } from "../../deps.ts";
import { parseOrThrow, requireTime } from "../errors.ts";
import {
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

/** One alert of an Alertmanager (or Grafana) webhook. */
export interface AlertmanagerAlert {
  /** `firing` or `resolved`. */
  status?: "firing" | "resolved";
  /** The alert's label set (required). */
  labels: Record<string, string>;
  /** Annotations such as `summary`, `description`, `runbook_url`. */
  annotations?: Record<string, string>;
  /** RFC 3339 start time. */
  startsAt?: string;
  /** RFC 3339 end time (`0001-01-01T00:00:00Z` when unset). */
  endsAt?: string;
  /** Backlink to the rule. */
  generatorURL?: string;
  /** Label-set hash, 16 hex digits. */
  fingerprint?: string;
}

/** An Alertmanager webhook body (`version: "4"`). */
export interface AlertmanagerWebhook {
  /** `"4"`. */
  version?: string;
  /** Key of the alert group. */
  groupKey?: string;
  /** Alerts dropped by `max_alerts` (they cannot be recovered). */
  truncatedAlerts?: number;
  /** `firing` if any alert fires, else `resolved`. */
  status?: "firing" | "resolved";
  /** Receiver name. */
  receiver?: string;
  /** Labels the group is keyed on. */
  groupLabels?: Record<string, string>;
  /** Labels common to every alert. */
  commonLabels?: Record<string, string>;
  /** Annotations common to every alert. */
  commonAnnotations?: Record<string, string>;
  /** Backlink to the Alertmanager. */
  externalURL?: string;
  /** Why this notification was sent (e.g. `first notification`). */
  notification_reason?: string;
  /** Labels of the matching route (v0.34+). */
  routeLabels?: Record<string, string>;
  /** The alerts (required). */
  alerts: AlertmanagerAlert[];
}

const labelMap = z.record(z.string(), z.string());
const alertStatus = z.enum(["firing", "resolved"]);

/** Zod schema of one alert entry (unknown fields kept, ignored). */
export const AlertmanagerAlertSchema: z.ZodType<AlertmanagerAlert> = z.looseObject({
  status: alertStatus.optional(),
  labels: labelMap,
  annotations: labelMap.optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** Zod schema of the webhook body (unknown fields kept, ignored). */
export const AlertmanagerWebhookSchema: z.ZodType<AlertmanagerWebhook> = z.looseObject({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: alertStatus.optional(),
  receiver: z.string().optional(),
  groupLabels: labelMap.optional(),
  commonLabels: labelMap.optional(),
  commonAnnotations: labelMap.optional(),
  externalURL: z.string().optional(),
  notification_reason: z.string().optional(),
  routeLabels: labelMap.optional(),
  alerts: z.array(AlertmanagerAlertSchema),
});

/**
 * True for an object with `version: "4"` (even if otherwise invalid, so that the error names
 * the bad field), or with no version but an `alerts` array and a `groupKey`/`receiver` string.
 * Grafana bodies (`version: "1"`) are not claimed.
 *
 * @example
 * ```ts
 * import { detect } from "./alertmanager.ts";
 * console.assert(detect({ version: "4" }) && !detect({ version: "1", alerts: [] }));
 * ```
 */
export function detect(body: unknown): boolean {
  if (!isRecord(body)) return false;
  if (body.version !== undefined) return body.version === "4";
  return Array.isArray(body.alerts) &&
    (typeof body.groupKey === "string" || typeof body.receiver === "string");
}

/**
 * Normalises an Alertmanager webhook into one alert per `alerts` entry.
 * Throws `IngestFormatError` (field e.g. `alerts[0].labels`) on an invalid body.
 *
 * @example
 * ```ts
 * import { normalize } from "./alertmanager.ts";
 * const out = normalize({ version: "4", alerts: [{ status: "resolved", labels: { alertname: "X" },
 *   startsAt: "2026-08-20T10:00:00Z", endsAt: "2026-08-20T10:05:00Z" }] });
 * console.assert(out[0].status === "resolved" && out[0].timestamp === "2026-08-20T10:05:00.000Z");
 * ```
 */
export function normalize(body: unknown, options: NormalizeOptions = {}): NormalizedAlert[] {
  const parsed = parseOrThrow(AlertmanagerWebhookSchema, body, "alertmanager");
  return normalizeAlertGroup("alertmanager", parsed, body as Record<string, unknown>, options);
}

/** `time`, or `floor` when `time` is earlier (both canonical ISO strings). */
function notBefore(time: string, floor: string | undefined): string {
  return floor !== undefined && Date.parse(time) < Date.parse(floor) ? floor : time;
}

/**
 * Shared Alertmanager/Grafana mapping (see the module doc) of an already-parsed webhook.
 * `input` is the original body (for `raw`); `fallbackStatus` applies when neither the alert nor
 * the webhook has a `status`.
 *
 * @example
 * ```ts
 * import { normalizeAlertGroup } from "./alertmanager.ts";
 * const body = { alerts: [{ labels: { alertname: "DiskFull" } }] };
 * const [a] = normalizeAlertGroup("grafana", body, body, {});
 * console.assert(a.alert_type === "DISK" && a.status === "firing");
 * ```
 */
export function normalizeAlertGroup(
  source: "alertmanager" | "grafana",
  parsed: AlertmanagerWebhook,
  input: Record<string, unknown>,
  options: NormalizeOptions,
  fallbackStatus: "firing" | "resolved" = "firing",
): NormalizedAlert[] {
  const inputAlerts = input.alerts as unknown[];
  return parsed.alerts.map((alert, i) => {
    const labels = { ...parsed.commonLabels, ...alert.labels };
    const notes = { ...parsed.commonAnnotations, ...alert.annotations };
    const status = alert.status ?? parsed.status ?? fallbackStatus;
    const startsAt = requireTime(parseTimestamp(alert.startsAt), `alerts[${i}].startsAt`, source);
    const endsAt = requireTime(parseTimestamp(alert.endsAt), `alerts[${i}].endsAt`, source);
    const name = labels.alertname;
    const summary = notes.summary ?? notes.title;
    const title = name && summary ? `${name}: ${summary}` : name ?? summary ?? `${source} alert`;
    const truth = truthFrom(labels, notes);
    return {
      source,
      dedup_key: alert.fingerprint || derivedDedupKey([source, alert.labels]),
      status,
      alert_type: inferAlertType(
        [labels.alert_type, labels.type, labels.category, notes.alert_type],
        [name, labels.__name__, labels.metric],
        [summary],
        [notes.description, notes.message],
      ),
      visible_severity: visibleSeverity(labels.severity, labels.priority),
      confidence: confidenceFor(source, labels.confidence, notes.confidence),
      service: serviceFrom(labels),
      title,
      timestamp: status === "resolved"
        ? notBefore(endsAt ?? fallbackTimestamp(options), startsAt)
        : startsAt ?? fallbackTimestamp(options),
      ...(truth ? { truth_label: truth } : {}),
      raw: { ...input, alerts: [inputAlerts[i]] },
    };
  });
}
