/**
 * The normalised form of one real alert, whatever vendor sent it, and the documented rules every
 * format normaliser uses to fill it: severity table, alert-type keywords, service label keys,
 * per-source default confidence, truth-label keys, derived dedup keys and timestamp parsing.
 *
 * @example
 * ```ts
 * import { NormalizedAlertSchema } from "./normalized_alert.ts";
 * const alert = NormalizedAlertSchema.parse({
 *   source: "generic", dedup_key: "k1", status: "firing", alert_type: "DISK",
 *   visible_severity: 0.7, confidence: 0.5, service: "db", title: "Disk 97%",
 *   timestamp: "2026-08-20T10:00:00.000Z", raw: {},
 * });
 * console.assert(alert.alert_type === "DISK");
 * ```
 *
 * @module
 */
import { z } from "../deps.ts";
import { ALERT_TYPES, type AlertType } from "../models.ts";

/** One of the six alert categories (re-exported from `models.ts`). */
export type { AlertType };

const AlertTypeSchema = z.enum(ALERT_TYPES);

/** The built-in vendor formats the ingest normalisers understand. */
export const ALERT_SOURCES = [
  "alertmanager",
  "grafana",
  "pagerduty",
  "datadog",
  "generic",
] as const;
/** One of the built-in vendor formats, {@link ALERT_SOURCES}. */
export type BuiltInVendor = typeof ALERT_SOURCES[number];
/**
 * Which vendor format an alert arrived in: one of {@link ALERT_SOURCES}, or a format added with
 * `registerAlertFormat()` (`detect.ts`); {@link alertVendors} lists them all.
 */
export type AlertVendor = BuiltInVendor | (string & NonNullable<unknown>);

/** Default confidence of the formats added at run time, by name. */
const registeredVendors = new Map<string, number>();

/**
 * Every vendor format: the built-in ones ({@link ALERT_SOURCES}), then those added at run time.
 *
 * @example
 * ```ts
 * import { alertVendors } from "./normalized_alert.ts";
 * console.assert(alertVendors().includes("grafana"));
 * ```
 */
export function alertVendors(): readonly AlertVendor[] {
  return [...ALERT_SOURCES, ...registeredVendors.keys()];
}

/** Whether a name is a vendor format (built-in or added at run time). */
export function isAlertVendor(name: unknown): name is AlertVendor {
  return typeof name === "string" &&
    ((ALERT_SOURCES as readonly string[]).includes(name) || registeredVendors.has(name));
}

/**
 * Records a vendor added at run time and its default confidence (used by
 * `registerAlertFormat()` in `detect.ts`, which checks the name first). Returns the remover.
 */
export function addAlertVendor(name: string, confidence: number): () => void {
  registeredVendors.set(name, confidence);
  return () => void registeredVendors.delete(name);
}
/** Lifecycle states of a real alert. */
export const ALERT_STATUSES = ["firing", "resolved", "acknowledged"] as const;
/** One of {@link ALERT_STATUSES}. */
export type AlertStatus = typeof ALERT_STATUSES[number];
/** Explicit hidden-truth labels a sender may attach (see {@link TRUTH_KEYS}). */
export const TRUTH_LABELS = ["critical", "noise", "transient"] as const;
/** One of {@link TRUTH_LABELS}. */
export type TruthLabel = typeof TRUTH_LABELS[number];

/** One vendor alert in the environment's alert model. */
export interface NormalizedAlert {
  /** Which vendor format it arrived in. */
  source: AlertVendor;
  /** Vendor fingerprint / dedup_key / alert cycle key, else `derived-<fnv1a64 hex>`. */
  dedup_key: string;
  /** Firing, resolved, or (PagerDuty only) acknowledged. */
  status: AlertStatus;
  /** Explicit `alert_type` label, else {@link TYPE_KEYWORDS}, else `APPLICATION`. */
  alert_type: AlertType;
  /** Vendor severity / priority through {@link SEVERITY_TABLE}, 0..1. */
  visible_severity: number;
  /** Explicit `confidence` label, else {@link DEFAULT_CONFIDENCE} of the source, 0..1. */
  confidence: number;
  /** First of {@link SERVICE_KEYS} found, else a source/host field, else `unknown`. */
  service: string;
  /** Human-readable title. */
  title: string;
  /** Vendor time of the event, canonical UTC ISO 8601 (`toISOString()` form). */
  timestamp: string;
  /** Hidden truth, only when the sender labels it explicitly (see {@link TRUTH_KEYS}). */
  truth_label?: TruthLabel;
  /** The original single-alert payload. */
  raw: unknown;
}

/** Zod schema of {@link NormalizedAlert}. */
export const NormalizedAlertSchema: z.ZodType<NormalizedAlert> = z.object({
  source: z.enum(ALERT_SOURCES),
  dedup_key: z.string().min(1),
  status: z.enum(ALERT_STATUSES),
  alert_type: AlertTypeSchema,
  visible_severity: z.number().min(0).max(1),
  confidence: z.number().min(0).max(1),
  service: z.string().min(1),
  title: z.string(),
  timestamp: z.iso.datetime(),
  truth_label: z.enum(TRUTH_LABELS).optional(),
  raw: z.unknown(),
});

/** Options shared by every `normalize()`. */
export interface NormalizeOptions {
  /**
   * Receipt time, used only when the vendor sends no timestamp (PagerDuty ack/resolve, a
   * Datadog template without `$DATE`). Without it the fallback is {@link EPOCH_FALLBACK}, so
   * that normalising stays a pure function of its input.
   */
  receivedAt?: string | Date;
}

/** Timestamp used when neither the vendor nor the caller gives one. */
export const EPOCH_FALLBACK = "1970-01-01T00:00:00.000Z";

/**
 * The timestamp to use when the vendor gives none: `options.receivedAt`, else
 * {@link EPOCH_FALLBACK}. Throws a `RangeError` on an unparseable `receivedAt` (a caller bug).
 *
 * @example
 * ```ts
 * import { fallbackTimestamp } from "./normalized_alert.ts";
 * console.assert(fallbackTimestamp({}) === "1970-01-01T00:00:00.000Z");
 * ```
 */
export function fallbackTimestamp(options: NormalizeOptions): string {
  const at = options.receivedAt;
  if (at === undefined) return EPOCH_FALLBACK;
  const iso = at instanceof Date ? at.toISOString() : parseTimestamp(at);
  if (!iso) throw new RangeError(`receivedAt is not a time: ${String(at)}`);
  return iso;
}

/**
 * Vendor severity/priority → visible severity. Keys are lower-cased with everything but letters
 * and digits removed (`Sev-1` → `sev1`). A number, or numeric string, in 0..1 is taken as is.
 */
export const SEVERITY_TABLE: Readonly<Record<string, number>> = {
  ...tier(0.9, "critical crit fatal emergency emerg disaster page p1 sev1"),
  ...tier(0.7, "error err high major p2 sev2"),
  ...tier(0.5, "warning warn medium moderate average p3 sev3"),
  ...tier(0.3, "info information informational notice low minor p4 sev4"),
  ...tier(0.1, "debug trace none p5 sev5"),
};
/** Visible severity when no candidate is found in {@link SEVERITY_TABLE}. */
export const DEFAULT_VISIBLE_SEVERITY = 0.5;

function tier(value: number, words: string): Record<string, number> {
  return Object.fromEntries(words.split(" ").map((w) => [w, value]));
}

/**
 * Visible severity of the first candidate that maps (see {@link SEVERITY_TABLE}).
 *
 * @example
 * ```ts
 * import { visibleSeverity } from "./normalized_alert.ts";
 * console.assert(visibleSeverity(undefined, "P2") === 0.7);
 * ```
 */
export function visibleSeverity(...candidates: unknown[]): number {
  for (const c of candidates) {
    const unit = unitValue(c);
    if (unit !== undefined) return unit;
    if (typeof c !== "string") continue;
    const mapped = SEVERITY_TABLE[c.toLowerCase().replace(/[^a-z0-9]/g, "")];
    if (mapped !== undefined) return mapped;
  }
  return DEFAULT_VISIBLE_SEVERITY;
}

/**
 * Confidence when the sender gives no explicit `confidence` label: how much a source's alerts
 * are trusted. Metric-rule engines (Alertmanager, Grafana) highest, hand-made generic lowest.
 */
export const DEFAULT_CONFIDENCE: Readonly<Record<BuiltInVendor, number>> = {
  alertmanager: 0.8,
  grafana: 0.8,
  datadog: 0.75,
  pagerduty: 0.7,
  generic: 0.5,
};

/**
 * Confidence: the first candidate that is a number (or numeric string) in 0..1, else the
 * source's {@link DEFAULT_CONFIDENCE} (or the confidence it was registered with).
 *
 * @example
 * ```ts
 * import { confidenceFor } from "./normalized_alert.ts";
 * console.assert(confidenceFor("generic", "0.9") === 0.9);
 * console.assert(confidenceFor("grafana") === 0.8);
 * ```
 */
export function confidenceFor(source: AlertVendor, ...candidates: unknown[]): number {
  for (const c of candidates) {
    const unit = unitValue(c);
    if (unit !== undefined) return unit;
  }
  return DEFAULT_CONFIDENCE[source as BuiltInVendor] ?? registeredVendors.get(source) ?? 0.5;
}

function unitValue(v: unknown): number | undefined {
  const n = typeof v === "number"
    ? v
    : typeof v === "string" && /^\s*[\d.]+\s*$/.test(v)
    ? +v
    : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

/**
 * Alert-type keyword rules, tried in this order (first match wins; most specific first). Text is
 * split into lower-case tokens at non-alphanumerics and camelCase humps (`HighCPU` → `high cpu`,
 * `OOMKilled` → `oom killed`). A keyword matches a whole token, or a token prefix if it ends in `*`.
 */
export const TYPE_KEYWORDS: ReadonlyArray<readonly [AlertType, readonly string[]]> = ([
  [
    "SECURITY",
    "security intrusion* malware virus* unauthori* brute* bruteforce cve* vulnerab* exploit* " +
    "ddos waf suspicious privilege* ransomware phishing ssh* authentication* threat* breach* siem",
  ],
  [
    "DISK",
    "disk* filesystem* fs inode* volume* storage pvc persistentvolume* mount* partition* space " +
    "iops io raid ebs",
  ],
  ["MEMORY", "memory mem oom* heap swap* rss ram"],
  [
    "NETWORK",
    "network* net packet* dns tcp udp icmp ping bandwidth nic unreachable connectivity bgp vpn " +
    "firewall* traffic balancer* eth* conntrack",
  ],
  ["CPU", "cpu* load loadavg load1 load5 load15 throttl* processor* iowait"],
] as const).map(([type, words]) => [type, words.split(" ")] as const);

/** Lower-case word tokens of a text, splitting camelCase (see {@link TYPE_KEYWORDS}). */
function tokens(text: string): string[] {
  return text.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase().split(/[^a-z0-9]+/).filter((t) => t !== "");
}

/**
 * Alert type from texts in stages: each stage (strongest field first, e.g. alert name, then
 * summary, then description) is tried against all of {@link TYPE_KEYWORDS} before the next.
 * An exact type name (any case) among `explicit` wins outright. Default `APPLICATION`.
 *
 * @example
 * ```ts
 * import { inferAlertType } from "./normalized_alert.ts";
 * console.assert(inferAlertType([], ["HighCPU"]) === "CPU");
 * console.assert(inferAlertType(["disk"], ["HighCPU"]) === "DISK");
 * ```
 */
export function inferAlertType(explicit: unknown[], ...stages: unknown[][]): AlertType {
  for (const e of explicit) {
    const parsed = AlertTypeSchema.safeParse(typeof e === "string" ? e.toUpperCase() : e);
    if (parsed.success) return parsed.data;
  }
  for (const stage of stages) {
    const toks = stage.filter((s): s is string => typeof s === "string").flatMap(tokens);
    for (const [type, words] of TYPE_KEYWORDS) {
      const hit = words.some((w) =>
        w.endsWith("*") ? toks.some((t) => t.startsWith(w.slice(0, -1))) : toks.includes(w)
      );
      if (hit) return type;
    }
  }
  return "APPLICATION";
}

/** Label keys read for the service, in priority order (`instance` loses its `:port`). */
export const SERVICE_KEYS: readonly string[] =
  "service service_name app application app_kubernetes_io_name job namespace host hostname instance"
    .split(" ");

/**
 * Service: the first of {@link SERVICE_KEYS} present in `labels`, else the first non-empty
 * fallback, else `unknown`. A trailing `:port` is removed.
 *
 * @example
 * ```ts
 * import { serviceFrom } from "./normalized_alert.ts";
 * console.assert(serviceFrom({ instance: "web-1:9100" }) === "web-1");
 * ```
 */
export function serviceFrom(labels: Record<string, unknown>, ...fallbacks: unknown[]): string {
  for (const c of [...SERVICE_KEYS.map((k) => labels[k]), ...fallbacks]) {
    if (typeof c === "string" && c.trim() !== "") return c.trim().replace(/:\d+$/, "");
  }
  return "unknown";
}

/** Keys that carry an explicit truth label (`truth` first), in labels/details/tags. */
export const TRUTH_KEYS: readonly string[] = ["truth", "triage_truth"];

/**
 * Explicit truth label from the first map that has a {@link TRUTH_KEYS} key with a value in
 * {@link TRUTH_LABELS} (any case); other values are ignored.
 *
 * @example
 * ```ts
 * import { truthFrom } from "./normalized_alert.ts";
 * console.assert(truthFrom({ triage_truth: "Noise" }) === "noise");
 * ```
 */
export function truthFrom(
  ...maps: Array<Record<string, unknown> | undefined>
): TruthLabel | undefined {
  for (const map of maps) {
    for (const key of TRUTH_KEYS) {
      const v = map?.[key];
      const found = TRUTH_LABELS.find((t) => typeof v === "string" && v.toLowerCase() === t);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Stable dedup key for a payload that carries none: `derived-` + FNV-1a 64-bit (16 hex digits)
 * of the canonical JSON (object keys sorted) of `parts`. Never time-based.
 *
 * @example
 * ```ts
 * import { derivedDedupKey } from "./normalized_alert.ts";
 * console.assert(derivedDedupKey({ a: 1, b: 2 }) === derivedDedupKey({ b: 2, a: 1 }));
 * ```
 */
export function derivedDedupKey(parts: unknown): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(canonicalJson(parts))) {
    h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `derived-${h.toString(16).padStart(16, "0")}`;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Vendor time → canonical UTC ISO string, or `undefined` when absent: `undefined`, `null`, `""`,
 * Go's zero time (`0001-01-01…`). Accepts RFC 3339 / ISO 8601 (offset `Z`, `+02:00` or `+0000`;
 * none means UTC) and epoch numbers or digit strings (milliseconds if ≥ 1e11, else seconds).
 * Returns `null` for anything else, so the caller can name the bad field.
 *
 * @example
 * ```ts
 * import { parseTimestamp } from "./normalized_alert.ts";
 * console.assert(parseTimestamp("2015-07-17T08:42:58.315+0000") === "2015-07-17T08:42:58.315Z");
 * console.assert(parseTimestamp(1406662672000) === "2014-07-29T19:37:52.000Z");
 * ```
 */
export function parseTimestamp(value: unknown): string | undefined | null {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" || (typeof value === "string" && /^\d+(\.\d+)?$/.test(value))) {
    const n = Number(value);
    const ms = n >= 1e11 ? n : n * 1000;
    return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
  }
  if (typeof value !== "string") return null;
  const m = ISO_RE.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h = "0", mi = "0", s = "0"] = m.slice(1, 7);
  if (y === "0001" && mo === "01" && d === "01") return undefined;
  if (+y < 1000) return null;
  const frac = Number(`0.${m[7] ?? "0"}`) * 1000;
  const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(frac));
  const check = new Date(Date.UTC(+y, +mo - 1, +d));
  if (
    check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 60
  ) {
    return null;
  }
  const off = m[8] && !/^z$/i.test(m[8]) ? m[8].replace(":", "") : "+0000";
  const offMin = (off[0] === "-" ? -1 : 1) * (+off.slice(1, 3) * 60 + +(off.slice(3, 5) || "0"));
  return new Date(local - offMin * 60_000).toISOString();
}

/**
 * True for a non-null, non-array object.
 *
 * @example
 * ```ts
 * import { isRecord } from "./normalized_alert.ts";
 * console.assert(isRecord({}) && !isRecord([]) && !isRecord(null));
 * ```
 */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
