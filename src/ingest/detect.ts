/**
 * Format detection and dispatch for the ingest route: which vendor sent a body, and its
 * normalised alerts.
 *
 * Detection order ({@link FORMAT_ORDER}) matters, first match wins:
 * 1. `grafana` before `alertmanager`: a Grafana body is an Alertmanager body plus extras
 *    (`version: "1"`, `orgId`, `state`), so the more specific test goes first.
 * 2. `alertmanager`: `version: "4"`, or an `alerts` array with `groupKey`/`receiver`.
 * 3. `pagerduty`: a string `event_action`.
 * 4. `datadog`: `source: "datadog"`, `alert_cycle_key`/`alert_transition`, or the default
 *    payload's `org` + `event_type`.
 * 5. `generic` last: it only needs a `title` (or `labels.alertname`), which the vendor bodies
 *    above may also carry (Datadog's `title`), so it is the fallback.
 *
 * Detection keys on the one distinguishing field, so a body that is recognisably Alertmanager
 * or PagerDuty but incomplete is rejected naming its missing field, not as "unrecognised".
 *
 * @example
 * ```ts
 * import { detectFormat, normalizeAny } from "./detect.ts";
 * console.assert(detectFormat({ version: "1", orgId: 1, alerts: [] }) === "grafana");
 * console.assert(normalizeAny({ title: "Disk full" })[0].alert_type === "DISK");
 * ```
 *
 * @module
 */
import { IngestFormatError } from "./errors.ts";
import * as alertmanager from "./formats/alertmanager.ts";
import * as datadog from "./formats/datadog.ts";
import * as generic from "./formats/generic.ts";
import * as grafana from "./formats/grafana.ts";
import * as pagerduty from "./formats/pagerduty.ts";
import {
  addAlertVendor,
  type AlertVendor,
  isAlertVendor,
  type NormalizedAlert,
  type NormalizeOptions,
} from "./normalized_alert.ts";

/** What each format module provides. */
export interface AlertFormat {
  /** Whether a body looks like this format. */
  detect(body: unknown): boolean;
  /** The body's alerts; throws `IngestFormatError` on an invalid body. */
  normalize(body: unknown, options?: NormalizeOptions): NormalizedAlert[];
}

const formats: Record<AlertVendor, AlertFormat> = {
  alertmanager,
  grafana,
  pagerduty,
  datadog,
  generic,
};

const order: AlertVendor[] = [
  "grafana",
  "alertmanager",
  "pagerduty",
  "datadog",
  "generic",
];

/** The format modules by source name (built-in, then added with {@link registerAlertFormat}). */
export const FORMATS: Readonly<Record<AlertVendor, AlertFormat>> = formats;

/** Order in which {@link detectFormat} tries the formats (see the module doc for why). */
export const FORMAT_ORDER: readonly AlertVendor[] = order;

/** How a format added with {@link registerAlertFormat} is trusted and detected. */
export interface RegisterFormatOptions {
  /** Confidence of its alerts when the sender gives none, 0..1 (as in `DEFAULT_CONFIDENCE`). */
  confidence: number;
  /**
   * The format it is tried before in {@link FORMAT_ORDER} (default `generic`, the fallback, so
   * that a body the new format recognises is not taken as generic JSON).
   */
  before?: AlertVendor;
}

/**
 * Adds a vendor format at run time: from then on `POST /ingest/alerts` detects it (before
 * `options.before`), `POST /ingest/alerts/<vendor>` accepts it, the store keeps its alerts under
 * its name and replays them like any other. The module is a format file like those in
 * `formats/` (`detect` + `normalize`, its alerts carrying `source: vendor`). Throws an `Error` if
 * the name is taken; returns a function that removes the format again (for tests).
 *
 * @example
 * ```ts
 * import { normalizeAny, registerAlertFormat } from "./detect.ts";
 * import * as generic from "./formats/generic.ts";
 * const unregister = registerAlertFormat("acme", {
 *   detect: (b) => typeof b === "object" && b !== null && "acme_id" in b,
 *   normalize: (b, o) => generic.normalize({ title: "ACME", ...b as object }, o)
 *     .map((a) => ({ ...a, source: "acme" })),
 * }, { confidence: 0.6 });
 * console.assert(normalizeAny({ acme_id: 1 })[0].source === "acme");
 * unregister();
 * ```
 */
export function registerAlertFormat(
  vendor: string,
  format: AlertFormat,
  options: RegisterFormatOptions,
): () => void {
  if (isAlertVendor(vendor)) {
    throw new Error(`alert format ${JSON.stringify(vendor)} is already registered`);
  }
  const before = options.before ?? "generic";
  const at = order.indexOf(before);
  if (at < 0) throw new Error(`unknown alert format ${JSON.stringify(before)} in options.before`);
  const removeVendor = addAlertVendor(vendor, options.confidence);
  formats[vendor] = format;
  order.splice(at, 0, vendor);
  return () => {
    removeVendor();
    delete formats[vendor];
    const i = order.indexOf(vendor);
    if (i >= 0) order.splice(i, 1);
  };
}

/**
 * The format of a parsed JSON body, or `null` if none matches. Detection only looks at
 * distinguishing fields; a detected body may still be invalid (normalising then throws).
 *
 * @example
 * ```ts
 * import { detectFormat } from "./detect.ts";
 * console.assert(detectFormat({ routing_key: "k", event_action: "trigger" }) === "pagerduty");
 * console.assert(detectFormat({ hello: 1 }) === null);
 * ```
 */
export function detectFormat(body: unknown): AlertVendor | null {
  return FORMAT_ORDER.find((source) => FORMATS[source].detect(body)) ?? null;
}

/**
 * Normalises a body as the given format (explicit per-format routes): no detection, so the
 * error names the field that this format needs.
 *
 * @example
 * ```ts
 * import { normalizeAs } from "./detect.ts";
 * try {
 *   normalizeAs("pagerduty", { event_action: "trigger" });
 * } catch (e) {
 *   console.assert((e as { field: string }).field === "routing_key");
 * }
 * ```
 */
export function normalizeAs(
  source: AlertVendor,
  body: unknown,
  options: NormalizeOptions = {},
): NormalizedAlert[] {
  const format = FORMATS[source];
  if (!format) {
    throw new IngestFormatError("source", `unknown format "${String(source)}"`);
  }
  return format.normalize(body, options);
}

/**
 * Detects the format and normalises. Throws `IngestFormatError` with field `body` when no
 * format matches, or the format's own error when the body is invalid.
 *
 * @example
 * ```ts
 * import { normalizeAny } from "./detect.ts";
 * const [a] = normalizeAny({ routing_key: "k", dedup_key: "d", event_action: "resolve" });
 * console.assert(a.source === "pagerduty" && a.status === "resolved");
 * ```
 */
export function normalizeAny(body: unknown, options: NormalizeOptions = {}): NormalizedAlert[] {
  const source = detectFormat(body);
  if (source === null) {
    throw new IngestFormatError(
      "body",
      "unrecognised alert format (expected Alertmanager, Grafana, PagerDuty v2, Datadog or " +
        "generic JSON with a title)",
    );
  }
  return FORMATS[source].normalize(body, options);
}
