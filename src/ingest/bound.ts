/**
 * Making a normalised alert storable: credentials in the raw payload redacted, over-long fields
 * cut, an over-large raw payload replaced by an excerpt (a Deno KV value is at most 64 KiB).
 *
 * @example
 * ```ts
 * import { boundEvent } from "./bound.ts";
 * const e = boundEvent({ source: "pagerduty", dedup_key: "k", status: "firing", alert_type: "CPU",
 *   visible_severity: 0.5, confidence: 0.5, service: "s", title: "t",
 *   timestamp: "2026-08-20T10:00:00.000Z", raw: { routing_key: "R0UT1NG" } });
 * console.assert((e.raw as { routing_key: string }).routing_key === "[redacted]");
 * ```
 *
 * @module
 */
import { IngestFormatError } from "./errors.ts";
import type { NormalizedAlert } from "./normalized_alert.ts";

/** Longest accepted dedup key (Deno KV keys are at most 2 KiB). */
export const MAX_DEDUP_KEY_CHARS = 1024;
/** Longest stored raw payload, as JSON characters; longer ones are kept as a head excerpt. */
export const MAX_RAW_CHARS = 24_000;

/** Raw-payload keys whose values are credentials, replaced by `[redacted]` before storing. */
export const REDACTED_KEYS: readonly string[] = [
  "routing_key",
  "service_key",
  "integration_key",
  "api_key",
  "apikey",
  "token",
  "password",
  "secret",
  "authorization",
];

function redact(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      REDACTED_KEYS.includes(k.toLowerCase()) ? "[redacted]" : redact(v, depth + 1),
    ]),
  );
}

/**
 * An event cut to storable size: rejects an over-long dedup key (422 naming `dedup_key`),
 * redacts credentials in `raw` ({@link REDACTED_KEYS}), shortens title/service and replaces an
 * over-large raw payload by an excerpt.
 *
 * @example
 * ```ts
 * import { boundEvent } from "./bound.ts";
 * const e = boundEvent({ source: "generic", dedup_key: "k", status: "firing", alert_type: "CPU",
 *   visible_severity: 0.5, confidence: 0.5, service: "s", title: "t",
 *   timestamp: "2026-08-20T10:00:00.000Z", raw: { x: "y".repeat(30000) } });
 * console.assert((e.raw as { truncated: boolean }).truncated);
 * ```
 */
export function boundEvent(event: NormalizedAlert): NormalizedAlert {
  if (event.dedup_key.length > MAX_DEDUP_KEY_CHARS) {
    throw new IngestFormatError("dedup_key", `longer than ${MAX_DEDUP_KEY_CHARS} characters`, {
      source: event.source,
    });
  }
  const clean = redact(event.raw);
  const json = JSON.stringify(clean) ?? "null";
  const raw = json.length <= MAX_RAW_CHARS
    ? clean
    : { truncated: true, json_chars: json.length, head: json.slice(0, 2000) };
  return { ...event, title: event.title.slice(0, 2048), service: event.service.slice(0, 256), raw };
}
