/**
 * Datadog Webhooks integration. Datadog bodies are user-templated with `$VARIABLES`, so the
 * webhook must be configured (Integrations → Webhooks → Payload) with exactly this template,
 * also exported as {@link DATADOG_WEBHOOK_TEMPLATE} for the README:
 *
 * ```json
 * {"source":"datadog","alert_id":"$ALERT_ID","alert_cycle_key":"$ALERT_CYCLE_KEY",
 *  "alert_transition":"$ALERT_TRANSITION","alert_type":"$ALERT_TYPE","alert_priority":"$ALERT_PRIORITY",
 *  "alert_metric":"$ALERT_METRIC","alert_scope":"$ALERT_SCOPE","title":"$EVENT_TITLE",
 *  "body":"$TEXT_ONLY_MSG","hostname":"$HOSTNAME","tags":"$TAGS","date":"$DATE","link":"$LINK","id":"$ID"}
 * ```
 *
 * Datadog's default payload (`body`, `last_updated`, `event_type`, `title`, `date`, `org`, `id`)
 * is accepted too, with less to map. Only `title` is required; an empty value or one still
 * reading `$VARIABLE` counts as absent; numbers are accepted where strings are templated.
 *
 * Mapping (`tags` = `alert_scope`, `event_tags` and `tags` merged, later winning, each read as
 * comma-separated `key:value` text, a list of `key:value` strings, or an object):
 * - `dedup_key`: `alert_cycle_key`, else `<alert_id>@<alert_scope>`, else derived from title
 *   (transition markers removed), hostname and metric.
 * - `status`: `alert_transition` `Recovered` → resolved, any other → firing; without it,
 *   `[Recovered…]` in the title or `alert_type: success` → resolved.
 * - `visible_severity`: `alert_priority` (P1–P5), else `alert_type` (error/warning/info), else tag
 *   `severity`. `alert_type` (the type): tag `alert_type` if an exact type name, else keywords in
 *   `alert_metric` (`system.cpu.*` → CPU, `system.mem.*` → MEMORY, `system.disk.*`/`system.io.*`
 *   → DISK, `system.net.*` → NETWORK), then the title, then `body`.
 * - `service`: tags/scope (see `SERVICE_KEYS`: `service`, ..., `host`), else `hostname`; the
 *   `env` tag is kept in the raw payload only (the alert model has no environment field).
 *   `timestamp`: `date` (epoch ms), else `last_updated`, else receipt. A recovery dated before
 *   its trigger is resolved at its receipt time instead (`lifecycle.ts`). `confidence`/`truth_label`: top-level field or tag
 *   `confidence`, `truth`/`triage_truth`.
 *
 * @example
 * ```ts
 * import { normalize } from "./datadog.ts";
 * const [a] = normalize({ source: "datadog", alert_cycle_key: "c1", alert_transition: "Recovered",
 *   alert_priority: "P1", alert_metric: "system.mem.used", title: "[Recovered] Memory high" });
 * console.assert(a.status === "resolved" && a.alert_type === "MEMORY" && a.visible_severity === 0.9);
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

/**
 * The Datadog webhook payload template to configure (see the module doc).
 *
 * @example
 * ```ts
 * import { DATADOG_WEBHOOK_TEMPLATE } from "./datadog.ts";
 * console.assert(JSON.parse(DATADOG_WEBHOOK_TEMPLATE).source === "datadog");
 * ```
 */
export const DATADOG_WEBHOOK_TEMPLATE: string =
  `{"source":"datadog","alert_id":"$ALERT_ID","alert_cycle_key":"$ALERT_CYCLE_KEY",
 "alert_transition":"$ALERT_TRANSITION","alert_type":"$ALERT_TYPE","alert_priority":"$ALERT_PRIORITY",
 "alert_metric":"$ALERT_METRIC","alert_scope":"$ALERT_SCOPE","title":"$EVENT_TITLE",
 "body":"$TEXT_ONLY_MSG","hostname":"$HOSTNAME","tags":"$TAGS","date":"$DATE","link":"$LINK","id":"$ID"}`;

/** A Datadog webhook body (our template, or Datadog's default payload). */
export interface DatadogWebhook {
  /** `datadog` in our template. */
  source?: string;
  /** `$ALERT_ID`: monitor id. */
  alert_id?: string;
  /** `$ALERT_CYCLE_KEY`: links trigger to resolve. */
  alert_cycle_key?: string;
  /** `$ALERT_TRANSITION`: Triggered, Recovered, Warn, No Data, Renotify, … */
  alert_transition?: string;
  /** `$ALERT_TYPE`: error, warning, info, success. */
  alert_type?: string;
  /** `$ALERT_PRIORITY`: P1–P5. */
  alert_priority?: string;
  /** `$ALERT_METRIC`, e.g. `system.load.1`. */
  alert_metric?: string;
  /** `$ALERT_SCOPE`, e.g. `availability-zone:us-east-1a, role:computing-node`. */
  alert_scope?: string;
  /** `$EVENT_TITLE` (required). */
  title: string;
  /** `$TEXT_ONLY_MSG` (ours) or `$EVENT_MSG` (default payload). */
  body?: string;
  /** `$HOSTNAME`. */
  hostname?: string;
  /** `$TAGS`: comma-separated `key:value` tags (an array of strings or an object too). */
  tags?: string | string[] | Record<string, string>;
  /** `$EVENT_TAGS` (older templates): like `tags`. */
  event_tags?: string | string[] | Record<string, string>;
  /** `$DATE`: epoch milliseconds. */
  date?: string;
  /** `$LAST_UPDATED` (default payload). */
  last_updated?: string;
  /** `$LINK`. */
  link?: string;
  /** `$ID`: event id. */
  id?: string;
}

const text = z.union([z.string(), z.number()]).transform(String).optional();
const tagList = z.union([
  z.string(),
  z.array(z.string()),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)),
]).optional();

/** Zod schema of a Datadog webhook body (unknown fields kept, ignored). */
export const DatadogWebhookSchema: z.ZodType<DatadogWebhook> = z.looseObject({
  source: text,
  alert_id: text,
  alert_cycle_key: text,
  alert_transition: text,
  alert_type: text,
  alert_priority: text,
  alert_metric: text,
  alert_scope: text,
  title: z.string(),
  body: text,
  hostname: text,
  tags: tagList,
  event_tags: tagList,
  date: text,
  last_updated: text,
  link: text,
  id: text,
});

/**
 * True for an object with `source: "datadog"`, an `alert_cycle_key` or `alert_transition`, or
 * the default payload's `org` object with `event_type` and `title`.
 *
 * @example
 * ```ts
 * import { detect } from "./datadog.ts";
 * console.assert(detect({ source: "datadog", title: "x" }) && !detect({ title: "x" }));
 * ```
 */
export function detect(body: unknown): boolean {
  if (!isRecord(body)) return false;
  return body.source === "datadog" || "alert_cycle_key" in body || "alert_transition" in body ||
    (isRecord(body.org) && "event_type" in body && "title" in body);
}

/**
 * Normalises one Datadog webhook (always a one-element array).
 * Throws `IngestFormatError` (field e.g. `title`, `date`) on an invalid body.
 *
 * @example
 * ```ts
 * import { normalize } from "./datadog.ts";
 * const [a] = normalize({ source: "datadog", alert_id: "1234", alert_scope: "host:web-1",
 *   title: "[Triggered] CPU high", date: "1406662672000", tags: "service:web,env:prod" });
 * console.assert(a.dedup_key === "1234@host:web-1" && a.service === "web" && a.status === "firing");
 * ```
 */
export function normalize(body: unknown, options: NormalizeOptions = {}): NormalizedAlert[] {
  const d = parseOrThrow(DatadogWebhookSchema, body, "datadog");
  const v = present;
  const tags = { ...keyValues(v(d.alert_scope)), ...keyValues(d.event_tags), ...keyValues(d.tags) };
  const transition = v(d.alert_transition)?.toLowerCase();
  const resolved = transition !== undefined
    ? transition === "recovered"
    : /\[recovered/i.test(d.title) || v(d.alert_type)?.toLowerCase() === "success";
  const id = v(d.alert_id);
  const scope = v(d.alert_scope);
  const bareTitle = d.title.replace(
    /\[(?:P[1-5]|Triggered|Re-Triggered|Recovered|Warn|Re-Warn|No Data|Re-No Data|Renotify)\b[^\]]*\]\s*/gi,
    "",
  );
  const date = requireTime(parseTimestamp(v(d.date)), "date", "datadog");
  const updated = parseTimestamp(v(d.last_updated)) ?? undefined;
  const top = body as Record<string, unknown>;
  const truth = truthFrom(top, tags);
  const kind = v(d.alert_type)?.toLowerCase();
  return [{
    source: "datadog",
    dedup_key: v(d.alert_cycle_key) ?? (id ? (scope ? `${id}@${scope}` : id) : undefined) ??
      derivedDedupKey(["datadog", bareTitle.trim(), v(d.hostname), v(d.alert_metric)]),
    status: resolved ? "resolved" : "firing",
    alert_type: inferAlertType(
      [tags.alert_type],
      [v(d.alert_metric)],
      [d.title],
      [v(d.body)],
    ),
    visible_severity: visibleSeverity(
      v(d.alert_priority),
      kind === "success" ? undefined : kind,
      tags.severity,
    ),
    confidence: confidenceFor("datadog", top.confidence, tags.confidence),
    service: serviceFrom(tags, v(d.hostname)),
    title: d.title,
    timestamp: date ?? updated ?? fallbackTimestamp(options),
    ...(truth ? { truth_label: truth } : {}),
    raw: body,
  }];
}

/** The value, or `undefined` if empty or an unexpanded `$VARIABLE`. */
function present(s: string | undefined): string | undefined {
  return s && s.trim() !== "" && !/^\$[A-Z_]+$/.test(s) ? s : undefined;
}

/**
 * `"a:1, b:x:y,flag"` (or `["a:1"]`, or `{a: "1"}`) → `{a: "1", b: "x:y", flag: ""}`; later
 * keys win; unexpanded `$VARIABLES` are skipped.
 */
function keyValues(list: DatadogWebhook["tags"]): Record<string, string> {
  if (isRecord(list)) return { ...list } as Record<string, string>;
  const items = typeof list === "string" ? list.split(",") : list ?? [];
  const out: Record<string, string> = {};
  for (const item of items.map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("$"))) {
    const at = item.indexOf(":");
    out[at < 0 ? item : item.slice(0, at).trim()] = at < 0 ? "" : item.slice(at + 1).trim();
  }
  return out;
}
