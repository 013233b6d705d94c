/**
 * Legacy Grafana alerting webhook (dashboard alerts of Grafana ≤ 8 before unified alerting):
 * one notification per rule, `{ruleId, ruleName, state, title, message, evalMatches, tags, ...}`
 * with no `alerts` array and no times. Accepted on the `grafana` route and by detection; the
 * result has `source: "grafana"`, so a rule's notifications pair with each other.
 *
 * Mapping:
 * - `dedup_key`: `rule:<orgId>:<ruleId>` (else `rule:<orgId>:<ruleName>`), so the `[OK]`
 *   notification of a rule resolves the alert its `[Alerting]` one opened.
 * - `status`: `ok` and `paused` → resolved; `alerting`, `no_data`, `pending` → firing.
 * - `alert_type`: tags `alert_type`/`type`/`category` if an exact type name, else keywords in
 *   `ruleName` and the `evalMatches` metrics, then `title`, then `message`.
 * - `visible_severity`: tag `severity`, else `priority`. `service`: tags, then the first
 *   `evalMatches` series' tags (see `SERVICE_KEYS`). `confidence`/`truth_label`: tags.
 * - `title`: `ruleName` (else `title`). `timestamp`: receipt time (legacy payloads carry none).
 *
 * @example
 * ```ts
 * import { isLegacyGrafana, normalizeLegacy } from "./grafana_legacy.ts";
 * const body = { ruleId: 3, ruleName: "Disk full", state: "ok", evalMatches: [] };
 * console.assert(isLegacyGrafana(body));
 * const [a] = normalizeLegacy(body, {});
 * console.assert(a.status === "resolved" && a.dedup_key === "rule:0:3" && a.alert_type === "DISK");
 * ```
 *
 * @module
 */
import { z } from "../../deps.ts";
import { parseOrThrow } from "../errors.ts";
import {
  type AlertStatus,
  confidenceFor,
  fallbackTimestamp,
  inferAlertType,
  isRecord,
  type NormalizedAlert,
  type NormalizeOptions,
  serviceFrom,
  truthFrom,
  visibleSeverity,
} from "../normalized_alert.ts";

/** The states of a legacy Grafana alert rule, and what each means here. */
export const LEGACY_GRAFANA_STATES: Readonly<Record<string, AlertStatus>> = {
  ok: "resolved",
  paused: "resolved",
  alerting: "firing",
  no_data: "firing",
  pending: "firing",
};

/** One series that matched a legacy rule. */
export interface LegacyEvalMatch {
  /** Value of the series. */
  value?: number | null;
  /** Series name. */
  metric?: string;
  /** Series labels (or null). */
  tags?: Record<string, string> | null;
}

/** A legacy Grafana webhook body. */
export interface LegacyGrafanaWebhook {
  /** Rule id (0 for a test notification). */
  ruleId?: number;
  /** Rule name. */
  ruleName?: string;
  /** `ok`, `alerting`, `no_data`, `paused` or `pending`. */
  state: string;
  /** Notification title, e.g. `[Alerting] Panel Title alert`. */
  title?: string;
  /** The rule's message. */
  message?: string;
  /** Matching series. */
  evalMatches?: LegacyEvalMatch[] | null;
  /** Rule tags. */
  tags?: Record<string, string> | null;
  /** Organisation id. */
  orgId?: number;
  /** Dashboard id. */
  dashboardId?: number;
  /** Panel id. */
  panelId?: number;
  /** Link to the rule. */
  ruleUrl?: string;
  /** Screenshot URL. */
  imageUrl?: string;
}

const tagMap = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
)
  .nullable();

/** Zod schema of a legacy Grafana webhook body (unknown fields kept, ignored). */
export const LegacyGrafanaWebhookSchema: z.ZodType<LegacyGrafanaWebhook> = z.looseObject({
  ruleId: z.number().optional(),
  ruleName: z.string().optional(),
  state: z.string().refine((s) => s in LEGACY_GRAFANA_STATES, {
    message: `expected one of ${Object.keys(LEGACY_GRAFANA_STATES).join("|")}`,
  }),
  title: z.string().optional(),
  message: z.string().optional(),
  evalMatches: z.array(z.looseObject({
    value: z.number().nullable().optional(),
    metric: z.string().optional(),
    tags: tagMap.optional(),
  })).nullable().optional(),
  tags: tagMap.optional(),
  orgId: z.number().optional(),
  dashboardId: z.number().optional(),
  panelId: z.number().optional(),
  ruleUrl: z.string().optional(),
  imageUrl: z.string().optional(),
}).refine((b) => b.ruleId !== undefined || b.ruleName !== undefined, {
  message: "required: ruleId or ruleName",
  path: ["ruleName"],
});

/**
 * True for an object without an `alerts` array whose `state` is a legacy rule state and that
 * names its rule (`ruleId`/`ruleName`) or carries `evalMatches`.
 *
 * @example
 * ```ts
 * import { isLegacyGrafana } from "./grafana_legacy.ts";
 * console.assert(isLegacyGrafana({ ruleName: "x", state: "alerting" }));
 * console.assert(!isLegacyGrafana({ state: "alerting", alerts: [] }));
 * ```
 */
export function isLegacyGrafana(body: unknown): boolean {
  if (!isRecord(body) || "alerts" in body) return false;
  return typeof body.state === "string" && body.state in LEGACY_GRAFANA_STATES &&
    ("ruleId" in body || "ruleName" in body || "evalMatches" in body);
}

/**
 * Normalises a legacy Grafana notification (always one alert; see the module doc). Throws
 * `IngestFormatError` (field e.g. `state`) on an invalid body.
 *
 * @example
 * ```ts
 * import { normalizeLegacy } from "./grafana_legacy.ts";
 * const [a] = normalizeLegacy({ ruleId: 1, ruleName: "High CPU", state: "alerting",
 *   tags: { severity: "critical", service: "api" } }, { receivedAt: "2026-08-20T10:00:00Z" });
 * console.assert(a.status === "firing" && a.alert_type === "CPU" && a.service === "api");
 * ```
 */
export function normalizeLegacy(body: unknown, options: NormalizeOptions): NormalizedAlert[] {
  const b = parseOrThrow(LegacyGrafanaWebhookSchema, body, "grafana");
  const tags = b.tags ?? {};
  const matches = b.evalMatches ?? [];
  const seriesTags = matches.find((m) => m.tags)?.tags ?? {};
  const labels = { ...seriesTags, ...tags };
  const truth = truthFrom(tags);
  return [{
    source: "grafana",
    dedup_key: `rule:${b.orgId ?? 0}:${b.ruleId ?? b.ruleName}`,
    status: LEGACY_GRAFANA_STATES[b.state],
    alert_type: inferAlertType(
      [tags.alert_type, tags.type, tags.category],
      [b.ruleName, ...matches.map((m) => m.metric), seriesTags.__name__],
      [b.title],
      [b.message],
    ),
    visible_severity: visibleSeverity(tags.severity, tags.priority),
    confidence: confidenceFor("grafana", tags.confidence),
    service: serviceFrom(labels),
    title: b.ruleName ?? b.title ?? "Grafana alert",
    timestamp: fallbackTimestamp(options),
    ...(truth ? { truth_label: truth } : {}),
    raw: body,
  }];
}
