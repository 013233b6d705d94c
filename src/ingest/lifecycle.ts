/**
 * The lifecycle of a stored real alert, as pure functions shared by the Deno KV store
 * (`store.ts`) and the JSONL importer (`stream_io.ts`), so both fold an event stream into the
 * same records.
 *
 * An alert is identified by `(source, dedup_key)`; each time that key opens anew it gets the next
 * **cycle** (1, 2, ...), and the record id is `<source>:<dedup_key>#<cycle>`.
 *
 * | event \ key has an open record | no (never seen, or last one resolved) | yes                                |
 * | ------------------------------ | ------------------------------------- | ---------------------------------- |
 * | `firing`                       | `created`: new record, cycle + 1      | `updated`: `last_seen`, `seen_count` |
 * | `acknowledged`                 | `ignored` (as PagerDuty drops it)     | `acknowledged` (`escalated` = true)  |
 * | `resolved`                     | `ignored`                             | `resolved`: record closed            |
 *
 * The normalised fields of a record are those of the event that opened it; later `firing` events
 * only raise `peak_severity` (and set `escalated` when it rises above the opening severity) and
 * supply a `truth_label` if the record had none. `resolved_at`/`acknowledged_at` are the vendor
 * times of those events, never before the record's `timestamp`: a vendor time earlier than the
 * start (a Datadog recovery dated before its trigger, a clock skew) is replaced by the event's
 * receipt time, or by the start when that is earlier too.
 *
 * @example
 * ```ts
 * import { foldEvents } from "./lifecycle.ts";
 * const fire = { source: "generic" as const, dedup_key: "k", status: "firing" as const,
 *   alert_type: "DISK" as const, visible_severity: 0.9, confidence: 0.5, service: "db",
 *   title: "Disk", timestamp: "2026-08-20T10:00:00.000Z", raw: {} };
 * const records = foldEvents([
 *   { alert: fire, received_at: "2026-08-20T10:00:01.000Z" },
 *   { alert: fire, received_at: "2026-08-20T10:00:02.000Z" },
 *   { alert: { ...fire, status: "resolved" }, received_at: "2026-08-20T10:03:00.000Z" },
 *   { alert: fire, received_at: "2026-08-20T10:04:00.000Z" },
 * ]);
 * console.assert(records.length === 2 && records[0].seen_count === 3 && records[1].cycle === 2);
 * ```
 *
 * @module
 */
import type { AlertVendor, NormalizedAlert } from "./normalized_alert.ts";

/** A real alert as kept by the store: its opening event plus its lifecycle. */
export interface StoredAlert extends NormalizedAlert {
  /** `<source>:<dedup_key>#<cycle>`. */
  id: string;
  /** How many times this `(source, dedup_key)` has opened, this one included (1-based). */
  cycle: number;
  /** Receipt time of the opening event (ISO 8601). */
  received_at: string;
  /** Receipt time of the latest event applied (ISO 8601). */
  last_seen: string;
  /** Events applied to this record (repeats included). */
  seen_count: number;
  /** Highest visible severity seen while open. */
  peak_severity: number;
  /** Someone acknowledged it, or its severity rose while open. */
  escalated: boolean;
  /** Vendor time of the first acknowledge. */
  acknowledged_at?: string;
  /** Vendor time of the resolve (present once resolved). */
  resolved_at?: string;
}

/** What the store keeps per `(source, dedup_key)`: the last cycle and the open record, if any. */
export interface KeyState {
  /** Cycle of the latest record of this key (0 before any). */
  cycle: number;
  /** Receipt time (ms) of the open record, `null` when none is open. */
  open_ms: number | null;
}

/** What an event did. */
export type EventOutcome = "created" | "updated" | "acknowledged" | "resolved" | "ignored";

/** The result of {@link applyEvent}. */
export interface Transition {
  /** What happened. */
  outcome: EventOutcome;
  /** The record after the event (absent when ignored). */
  record?: StoredAlert;
  /** The record before the event (absent when created or ignored). */
  previous?: StoredAlert;
  /** The key's state after the event. */
  state: KeyState;
}

/**
 * The record id of a key and cycle.
 *
 * @example
 * ```ts
 * import { recordId } from "./lifecycle.ts";
 * console.assert(recordId("pagerduty", "db-1", 2) === "pagerduty:db-1#2");
 * ```
 */
export function recordId(source: AlertVendor, dedupKey: string, cycle: number): string {
  return `${source}:${dedupKey}#${cycle}`;
}

/**
 * Whether a record is open (firing or acknowledged).
 *
 * @example
 * ```ts
 * import { isOpen } from "./lifecycle.ts";
 * console.assert(isOpen({ status: "acknowledged" }) && !isOpen({ status: "resolved" }));
 * ```
 */
export function isOpen(record: { status: string }): boolean {
  return record.status !== "resolved";
}

/**
 * Applies one event to a key whose state is `state` (null: never seen) and whose open record is
 * `open` (null when none), received at `receivedAt` (ISO 8601). Pure; see the module table.
 *
 * @example
 * ```ts
 * import { applyEvent } from "./lifecycle.ts";
 * const t = applyEvent(null, null, { source: "generic", dedup_key: "k", status: "resolved",
 *   alert_type: "CPU", visible_severity: 0.5, confidence: 0.5, service: "s", title: "t",
 *   timestamp: "2026-08-20T10:00:00.000Z", raw: {} }, "2026-08-20T10:00:00.000Z");
 * console.assert(t.outcome === "ignored");
 * ```
 */
export function applyEvent(
  state: KeyState | null,
  open: StoredAlert | null,
  event: NormalizedAlert,
  receivedAt: string,
): Transition {
  const base: KeyState = state ?? { cycle: 0, open_ms: null };
  if (open === null || base.open_ms === null) {
    if (event.status !== "firing") return { outcome: "ignored", state: base };
    const cycle = base.cycle + 1;
    const record: StoredAlert = {
      ...event,
      id: recordId(event.source, event.dedup_key, cycle),
      cycle,
      received_at: receivedAt,
      last_seen: receivedAt,
      seen_count: 1,
      peak_severity: event.visible_severity,
      escalated: false,
    };
    return { outcome: "created", record, state: { cycle, open_ms: Date.parse(receivedAt) } };
  }
  const next: StoredAlert = { ...open, last_seen: receivedAt, seen_count: open.seen_count + 1 };
  if (event.truth_label !== undefined && next.truth_label === undefined) {
    next.truth_label = event.truth_label;
  }
  if (event.status === "firing") {
    next.peak_severity = Math.max(open.peak_severity, event.visible_severity);
    if (event.visible_severity > open.visible_severity) next.escalated = true;
    return { outcome: "updated", record: next, previous: open, state: base };
  }
  if (event.status === "acknowledged") {
    const first = open.status === "firing";
    next.status = "acknowledged";
    next.escalated = true;
    next.acknowledged_at ??= notBeforeStart(event.timestamp, open.timestamp, receivedAt);
    return {
      outcome: first ? "acknowledged" : "updated",
      record: next,
      previous: open,
      state: base,
    };
  }
  next.status = "resolved";
  next.resolved_at = notBeforeStart(event.timestamp, open.timestamp, receivedAt);
  return {
    outcome: "resolved",
    record: next,
    previous: open,
    state: { cycle: base.cycle, open_ms: null },
  };
}

/** `time`, else `receivedAt`, else `start`: the first that is not before `start`. */
function notBeforeStart(time: string, start: string, receivedAt: string): string {
  const floor = Date.parse(start);
  if (!(Date.parse(time) < floor)) return time;
  return Date.parse(receivedAt) >= floor ? receivedAt : start;
}

/** One event of a recorded stream: the normalised alert and when it was received. */
export interface ReceivedEvent {
  /** The normalised alert (one event). */
  alert: NormalizedAlert;
  /** Receipt time (ISO 8601). */
  received_at: string;
}

/**
 * Folds an event stream (in order) into records, in creation order, exactly as the store would.
 *
 * @example
 * ```ts
 * import { foldEvents } from "./lifecycle.ts";
 * console.assert(foldEvents([]).length === 0);
 * ```
 */
export function foldEvents(events: Iterable<ReceivedEvent>): StoredAlert[] {
  const states = new Map<string, { state: KeyState; open: number | null }>();
  const records: StoredAlert[] = [];
  for (const { alert, received_at } of events) {
    const key = `${alert.source}\u0000${alert.dedup_key}`;
    const entry = states.get(key);
    const open = entry?.open ?? null;
    const t = applyEvent(
      entry?.state ?? null,
      open === null ? null : records[open],
      alert,
      received_at,
    );
    if (!t.record) continue;
    const index = t.outcome === "created" ? records.push(t.record) - 1 : open!;
    records[index] = t.record;
    states.set(key, { state: t.state, open: t.state.open_ms === null ? null : index });
  }
  return records;
}
