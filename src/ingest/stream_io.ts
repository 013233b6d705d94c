/**
 * Alert streams as JSONL: one alert per line, oldest first.
 *
 * **Export** writes the store's records, each line a {@link StoredAlert} — the normalised alert
 * (`source`, `dedup_key`, `status`, `alert_type`, `visible_severity`, `confidence`, `service`,
 * `title`, `timestamp`, `truth_label?`, `raw`) with `received_at` and its lifecycle (`id`,
 * `cycle`, `last_seen`, `seen_count`, `peak_severity`, `escalated`, `acknowledged_at?`,
 * `resolved_at?`).
 *
 * **Import** reads three kinds of line, in file order (blank lines and lines starting with `#`
 * are skipped):
 * 1. an exported record (has `cycle` and `seen_count`): replayed as its events — firing at
 *    `received_at`, a severity rise to `peak_severity`, the acknowledge, the resolve at
 *    `last_seen` — so it folds back into the same record;
 * 2. a normalised event (has `source`, `dedup_key`, `visible_severity`): one event, received at
 *    `received_at` (default: its `timestamp`);
 * 3. anything else: a raw vendor body (an Alertmanager webhook, a PagerDuty event, ...),
 *    normalised by format detection, received at its vendor time.
 * The events then fold through `lifecycle.ts` exactly as the store would fold them.
 *
 * @example
 * ```ts
 * import { importJsonl } from "./stream_io.ts";
 * const records = importJsonl('{"title": "Disk full on db-1", "severity": "critical"}\n');
 * console.assert(records.length === 1 && records[0].alert_type === "DISK");
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { normalizeAny } from "./detect.ts";
import { IngestFormatError } from "./errors.ts";
import { foldEvents, type ReceivedEvent, type StoredAlert } from "./lifecycle.ts";
import {
  ALERT_SOURCES,
  isRecord,
  type NormalizedAlert,
  NormalizedAlertSchema,
} from "./normalized_alert.ts";
import type { IngestStore } from "./store.ts";

/** A line of a stream file could not be read. */
export class StreamFormatError extends AlertTriageError {
  /** 1-based line number. */
  readonly line: number;
  /** Offending field (`line` for the whole line). */
  readonly field: string;
  /** Builds the error: `line <n>: <field>: <reason>`. */
  constructor(line: number, field: string, reason: string) {
    super(`line ${line}: ${field}: ${reason}`, "STREAM_FORMAT", "invalid_input");
    this.name = "StreamFormatError";
    this.line = line;
    this.field = field;
  }
}

/**
 * One record as a JSONL line (no trailing newline).
 *
 * @example
 * ```ts
 * import { recordToLine } from "./stream_io.ts";
 * console.assert(recordToLine({ id: "x" } as never) === '{"id":"x"}');
 * ```
 */
export function recordToLine(record: StoredAlert): string {
  return JSON.stringify(record);
}

/**
 * The store's records received in `[since, until)` (ms) as JSONL lines, oldest first, each
 * ending in a newline.
 *
 * @example
 * ```ts
 * import { IngestStore } from "./store.ts";
 * import { exportJsonl } from "./stream_io.ts";
 * const store = await IngestStore.open(":memory:");
 * for await (const line of exportJsonl(store)) console.log(line);
 * store.close();
 * ```
 */
export async function* exportJsonl(
  store: IngestStore,
  range: { since?: number; until?: number } = {},
): AsyncGenerator<string> {
  for await (const record of store.all(range)) yield recordToLine(record) + "\n";
}

/**
 * The events an exported record stands for (see the module doc, kind 1).
 *
 * @example
 * ```ts
 * import { recordToEvents } from "./stream_io.ts";
 * import { foldEvents } from "./lifecycle.ts";
 * const r = { source: "generic" as const, dedup_key: "k", status: "resolved" as const,
 *   alert_type: "CPU" as const, visible_severity: 0.5, confidence: 0.5, service: "s",
 *   title: "t", timestamp: "2026-08-20T10:00:00.000Z", raw: {}, id: "generic:k#1", cycle: 1,
 *   received_at: "2026-08-20T10:00:00.000Z", last_seen: "2026-08-20T10:05:00.000Z",
 *   seen_count: 2, peak_severity: 0.5, escalated: false, resolved_at: "2026-08-20T10:05:00.000Z" };
 * console.assert(foldEvents(recordToEvents(r))[0].resolved_at === r.resolved_at);
 * ```
 */
export function recordToEvents(record: StoredAlert): ReceivedEvent[] {
  const {
    id: _id,
    cycle: _c,
    received_at,
    last_seen,
    seen_count: _n,
    peak_severity,
    escalated: _e,
    acknowledged_at,
    resolved_at,
    ...alert
  } = record;
  const base: NormalizedAlert = { ...alert, status: "firing" };
  const out: ReceivedEvent[] = [{ alert: base, received_at }];
  if (peak_severity > alert.visible_severity) {
    out.push({ alert: { ...base, visible_severity: peak_severity }, received_at });
  }
  if (acknowledged_at !== undefined) {
    out.push({
      alert: { ...base, status: "acknowledged", timestamp: acknowledged_at },
      received_at,
    });
  }
  if (resolved_at !== undefined) {
    out.push({
      alert: { ...base, status: "resolved", timestamp: resolved_at },
      received_at: last_seen,
    });
  }
  return out;
}

function lineEvents(value: unknown, line: number): ReceivedEvent[] {
  if (!isRecord(value)) throw new StreamFormatError(line, "line", "not a JSON object");
  const looksNormalised = typeof value.dedup_key === "string" &&
    ALERT_SOURCES.includes(value.source as never) && typeof value.visible_severity === "number";
  if (!looksNormalised) {
    try {
      return normalizeAny(value).map((alert) => ({ alert, received_at: alert.timestamp }));
    } catch (e) {
      if (e instanceof IngestFormatError) throw new StreamFormatError(line, e.field, e.reason);
      throw e;
    }
  }
  const parsed = NormalizedAlertSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StreamFormatError(line, issue.path.join(".") || "line", issue.message);
  }
  const receivedAt = typeof value.received_at === "string" && !isNaN(Date.parse(value.received_at))
    ? new Date(value.received_at).toISOString()
    : parsed.data.timestamp;
  if (typeof value.cycle === "number" && typeof value.seen_count === "number") {
    const str = (k: string) => typeof value[k] === "string" ? value[k] as string : undefined;
    return recordToEvents({
      ...parsed.data,
      id: "",
      cycle: value.cycle,
      received_at: receivedAt,
      last_seen: str("last_seen") ?? receivedAt,
      seen_count: value.seen_count,
      peak_severity: typeof value.peak_severity === "number"
        ? value.peak_severity
        : parsed.data.visible_severity,
      escalated: value.escalated === true,
      acknowledged_at: str("acknowledged_at"),
      resolved_at: str("resolved_at"),
    });
  }
  return [{ alert: parsed.data, received_at: receivedAt }];
}

/**
 * The events of a JSONL text, in file order (see the module doc). Throws
 * {@link StreamFormatError} naming the line and field of the first bad line.
 *
 * @example
 * ```ts
 * import { parseJsonl } from "./stream_io.ts";
 * const events = parseJsonl('# a comment\n{"routing_key":"k","dedup_key":"d","event_action":"resolve"}\n');
 * console.assert(events.length === 1 && events[0].alert.status === "resolved");
 * ```
 */
export function parseJsonl(text: string): ReceivedEvent[] {
  const out: ReceivedEvent[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new StreamFormatError(i + 1, "line", `malformed JSON (${(e as Error).message})`);
    }
    out.push(...lineEvents(value, i + 1));
  });
  return out;
}

/**
 * A JSONL stream folded into records (see the module doc), in creation order.
 *
 * @example
 * ```ts
 * import { importJsonl } from "./stream_io.ts";
 * console.assert(importJsonl("").length === 0);
 * ```
 */
export function importJsonl(text: string): StoredAlert[] {
  return foldEvents(parseJsonl(text));
}

/**
 * Ingests a JSONL stream into a store, each event with its own receipt time. Returns how many
 * events changed the store (not ignored).
 *
 * @example
 * ```ts
 * import { IngestStore } from "./store.ts";
 * import { importIntoStore } from "./stream_io.ts";
 * const store = await IngestStore.open(":memory:");
 * console.assert(await importIntoStore(store, '{"title": "x"}') === 1);
 * store.close();
 * ```
 */
export async function importIntoStore(store: IngestStore, text: string): Promise<number> {
  let applied = 0;
  for (const { alert, received_at } of parseJsonl(text)) {
    const [r] = await store.ingest([alert], { receivedAtMs: Date.parse(received_at) });
    if (r.outcome !== "ignored") applied++;
  }
  return applied;
}
