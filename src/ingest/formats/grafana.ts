/**
 * Grafana Alerting webhook contact point (`version: "1"`): an Alertmanager-compatible body plus
 * `orgId`, `title`, `state` (`alerting`/`ok`), `message`, and per-alert extras (`silenceURL`,
 * `dashboardURL`, `panelURL`, `values`, older `valueString`, `imageURL`), all optional.
 * Each alert is mapped exactly as for Alertmanager (see `normalizeAlertGroup`), with
 * `source: "grafana"`; when neither the alert nor the body has a `status`, `state: "ok"` means
 * resolved; when the alert's labels name no service, the series labels in its `valueString`
 * do (`job`, `instance`, ... as `SERVICE_KEYS`). Legacy (pre-unified) Grafana notifications — `{ruleId, ruleName, state, evalMatches}`,
 * no `alerts` — are accepted too (`grafana_legacy.ts`).
 *
 * @example
 * ```ts
 * import { normalize } from "./grafana.ts";
 * const [a] = normalize({ version: "1", orgId: 1, status: "firing", alerts: [{
 *   status: "firing", labels: { alertname: "High memory usage", team: "blue" },
 *   startsAt: "2021-10-12T09:51:03.157076+02:00", fingerprint: "c6eadffa33fcdf37" }] });
 * console.assert(a.alert_type === "MEMORY" && a.timestamp === "2021-10-12T07:51:03.157Z");
 * ```
 *
 * @module
 */
import { z } from "../../deps.ts";
import { parseOrThrow } from "../errors.ts";
import {
  isRecord,
  type NormalizedAlert,
  type NormalizeOptions,
  serviceFrom,
} from "../normalized_alert.ts";
import { isLegacyGrafana, normalizeLegacy } from "./grafana_legacy.ts";
import {
  type AlertmanagerAlert,
  AlertmanagerAlertSchema,
  type AlertmanagerWebhook,
  AlertmanagerWebhookSchema,
  normalizeAlertGroup,
} from "./alertmanager.ts";

/** One alert of a Grafana webhook: an Alertmanager alert plus Grafana's optional extras. */
export interface GrafanaAlert extends AlertmanagerAlert {
  /** Link to silence the alert. */
  silenceURL?: string;
  /** Link to the dashboard, or `""`. */
  dashboardURL?: string;
  /** Link to the panel, or `""`. */
  panelURL?: string;
  /** Query/expression values by ref id (Grafana ≥ 9). */
  values?: Record<string, unknown> | null;
  /** Older Grafana's value dump. */
  valueString?: string;
  /** Screenshot URL. */
  imageURL?: string;
}

/** A Grafana webhook body (`version: "1"`). */
export interface GrafanaWebhook extends Omit<AlertmanagerWebhook, "alerts"> {
  /** Grafana organisation id. */
  orgId?: number;
  /** Notification title, e.g. `[FIRING:2] (blue)`. */
  title?: string;
  /** `alerting` if any alert fires, else `ok`. */
  state?: string;
  /** Rendered notification message. */
  message?: string;
  /** The alerts (required). */
  alerts: GrafanaAlert[];
}

/** Zod schema of a Grafana alert (unknown fields kept, ignored). */
export const GrafanaAlertSchema: z.ZodType<GrafanaAlert> = AlertmanagerAlertSchema.and(
  z.looseObject({
    silenceURL: z.string().optional(),
    dashboardURL: z.string().optional(),
    panelURL: z.string().optional(),
    values: z.record(z.string(), z.unknown()).nullable().optional(),
    valueString: z.string().optional(),
    imageURL: z.string().optional(),
  }),
);

/** Zod schema of the Grafana webhook body (unknown fields kept, ignored). */
export const GrafanaWebhookSchema: z.ZodType<GrafanaWebhook> = AlertmanagerWebhookSchema.and(
  z.looseObject({
    orgId: z.number().optional(),
    title: z.string().optional(),
    state: z.string().optional(),
    message: z.string().optional(),
    alerts: z.array(GrafanaAlertSchema),
  }),
);

/**
 * True for an object with `version: "1"` and an `alerts` array or `orgId`, or with no version
 * but an `alerts` array and `orgId` or `state: "alerting" | "ok"` (Grafana-only fields), or a
 * legacy Grafana notification (`isLegacyGrafana`).
 *
 * @example
 * ```ts
 * import { detect } from "./grafana.ts";
 * console.assert(detect({ version: "1", orgId: 1, alerts: [] }));
 * console.assert(!detect({ version: "4", alerts: [] }));
 * ```
 */
export function detect(body: unknown): boolean {
  if (!isRecord(body)) return false;
  if (isLegacyGrafana(body)) return true;
  const grafanaOnly = "orgId" in body || body.state === "alerting" || body.state === "ok";
  if (body.version !== undefined) {
    return body.version === "1" && (Array.isArray(body.alerts) || "orgId" in body);
  }
  return Array.isArray(body.alerts) && grafanaOnly;
}

/**
 * Normalises a Grafana webhook into one alert per `alerts` entry.
 * Throws `IngestFormatError` (field e.g. `alerts[0].status`) on an invalid body.
 *
 * @example
 * ```ts
 * import { normalize } from "./grafana.ts";
 * const [a] = normalize({ version: "1", state: "ok", alerts: [{ labels: { alertname: "T2" } }] });
 * console.assert(a.status === "resolved" && a.source === "grafana");
 * ```
 */
export function normalize(body: unknown, options: NormalizeOptions = {}): NormalizedAlert[] {
  if (isLegacyGrafana(body)) return normalizeLegacy(body, options);
  const parsed = parseOrThrow(GrafanaWebhookSchema, body, "grafana");
  const fallback = parsed.state === "ok" ? "resolved" : "firing";
  return normalizeAlertGroup("grafana", parsed, body as Record<string, unknown>, options, fallback)
    .map((a, i) =>
      a.service === "unknown"
        ? { ...a, service: serviceFrom(valueStringLabels(parsed.alerts[i].valueString)) }
        : a
    );
}

/**
 * The series labels Grafana prints in an alert's `valueString`
 * (`[ var='A' labels={instance=node_exporter:9100, job=node} value=2.4e+09 ], ...`), merged over
 * all its series, first wins: the service fallback when the alert's own labels name none.
 *
 * @example
 * ```ts
 * import { valueStringLabels } from "./grafana.ts";
 * const l = valueStringLabels("[ var='A' labels={instance=db-1:9100, job=node} value=1 ]");
 * console.assert(l.job === "node" && l.instance === "db-1:9100");
 * ```
 */
export function valueStringLabels(valueString: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (valueString ?? "").matchAll(/labels=\{([^}]*)\}/g)) {
    for (const pair of m[1].split(", ")) {
      const at = pair.indexOf("=");
      if (at > 0) out[pair.slice(0, at).trim()] ??= pair.slice(at + 1).trim();
    }
  }
  return out;
}
