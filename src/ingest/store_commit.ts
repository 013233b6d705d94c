/**
 * Group commit: one Deno KV atomic operation for a batch of concurrent writes (each write = one
 * request's events). Each write is planned on top of the writes before it in the batch, on a
 * copy-on-write overlay; a write that would push the open alerts past the backlog bound is
 * refused alone (its plan discarded), the others commit together. The commit checks the
 * versionstamp of every touched key state and of the open counter, so with other processes on
 * the same store a conflicting batch is re-read, re-planned and retried; a busy SQLite file
 * ("database is locked") is retried the same way. Either the whole batch is written or nothing.
 *
 * A write therefore stays all-or-nothing, and a 2xx (its promise resolving) still means its
 * commit is on disk; batching only shares one fsync among the requests that arrived during the
 * previous commit.
 *
 * @example
 * ```ts
 * import { commitBatch } from "./store_commit.ts";
 * const kv = await Deno.openKv(":memory:");
 * const e = { source: "generic" as const, dedup_key: "k", status: "firing" as const,
 *   alert_type: "CPU" as const, visible_severity: 0.5, confidence: 0.5, service: "s",
 *   title: "t", timestamp: "2026-08-20T10:00:00.000Z", raw: {} };
 * const [a, b] = await commitBatch(kv, [{ events: [e], receivedMs: 1 }, { events: [e], receivedMs: 2 }], 10);
 * console.assert(a.ok && b.ok && b.results[0].outcome === "updated");
 * kv.close();
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { applyEvent, type EventOutcome, type KeyState, type StoredAlert } from "./lifecycle.ts";
import type { AlertStatus, AlertVendor, NormalizedAlert } from "./normalized_alert.ts";
import { getAll, KEYS, recordTail, stateKey } from "./store_keys.ts";

const MAX_ATTEMPTS = 100;

/** The backlog of open alerts is full; nothing of the refused write was stored. */
export class BacklogFullError extends AlertTriageError {
  /** Open alerts stored. */
  readonly open: number;
  /** The configured bound. */
  readonly max: number;
  /** Builds the error. */
  constructor(open: number, max: number) {
    super(
      `ingest backlog full: ${open} open alerts stored (max ${max})`,
      "BACKLOG_FULL",
      "overloaded",
    );
    this.name = "BacklogFullError";
    this.open = open;
    this.max = max;
  }
}

/** What one event did. */
export interface IngestResult {
  /** Vendor format. */
  source: AlertVendor;
  /** The event's dedup key. */
  dedup_key: string;
  /** What happened to it. */
  outcome: EventOutcome;
  /** The record's id (absent when ignored). */
  id?: string;
  /** The record's status after the event (absent when ignored). */
  status?: AlertStatus;
}

/** One write of a batch: events received together. */
export interface PendingWrite {
  /** The events, in order. */
  events: readonly NormalizedAlert[];
  /** Their receipt time (ms). */
  receivedMs: number;
}

/** The fate of one write. */
export type WriteVerdict =
  | { ok: true; results: IngestResult[] }
  | { ok: false; error: BacklogFullError };

type Entry = { state: KeyState | null; open: StoredAlert | null };
type Change = { before?: StoredAlert; after: StoredAlert };

/**
 * Commits `false` on a failed check or a busy SQLite file (nothing written; retry).
 */
async function commitOrBusy(op: Deno.AtomicOperation): Promise<boolean> {
  try {
    return (await op.commit()).ok;
  } catch (e) {
    if (e instanceof Error && /database is locked|SQLITE_BUSY/i.test(e.message)) return false;
    throw e;
  }
}

/** What {@link backlogPeak} found. */
export interface BacklogPeak {
  /** Open alerts stored now. */
  open: number;
  /** Highest rise of the open count while the events apply in order (0 if it never rises). */
  peak: number;
}

/**
 * How far a body's events would raise the open-alert count at their worst point, read from the
 * stored key states (no write): a firing event on a key with nothing open opens one, a resolve
 * of an open key closes it. The store checks `open + peak` against the backlog bound before
 * writing the first chunk of a body too large for one atomic commit.
 *
 * @example
 * ```ts
 * import { backlogPeak } from "./store_commit.ts";
 * const kv = await Deno.openKv(":memory:");
 * const e = { source: "generic" as const, dedup_key: "k", status: "firing" as const,
 *   alert_type: "CPU" as const, visible_severity: 0.5, confidence: 0.5, service: "s",
 *   title: "t", timestamp: "2026-08-20T10:00:00.000Z", raw: {} };
 * const p = await backlogPeak(kv, [e, { ...e, status: "resolved" }, e]);
 * console.assert(p.open === 0 && p.peak === 1);
 * kv.close();
 * ```
 */
export async function backlogPeak(
  kv: Deno.Kv,
  events: readonly NormalizedAlert[],
): Promise<BacklogPeak> {
  const keys = new Map<string, Deno.KvKey>();
  for (const e of events) keys.set(JSON.stringify(stateKey(e)), stateKey(e));
  const [counter, ...states] = await getAll<unknown>(kv, [KEYS.open, ...keys.values()]);
  const openNow = new Map<string, boolean>();
  for (const s of states) {
    openNow.set(JSON.stringify(s.key), (s.value as KeyState | null)?.open_ms != null);
  }
  let delta = 0;
  let peak = 0;
  for (const e of events) {
    const k = JSON.stringify(stateKey(e));
    const isOpen = openNow.get(k) ?? false;
    if (e.status === "firing" && !isOpen) (openNow.set(k, true), delta++);
    else if (e.status === "resolved" && isOpen) (openNow.set(k, false), delta--);
    peak = Math.max(peak, delta);
  }
  return { open: Number((counter.value as Deno.KvU64 | null)?.value ?? 0n), peak };
}

/**
 * Plans and commits a batch (see the module doc); the verdicts are in batch order. Throws only
 * on a storage failure or after {@link MAX_ATTEMPTS} conflicting attempts.
 */
export async function commitBatch(
  kv: Deno.Kv,
  batch: readonly PendingWrite[],
  maxBacklog: number,
): Promise<WriteVerdict[]> {
  const keys = new Map<string, Deno.KvKey>();
  for (const w of batch) {
    for (const e of w.events) keys.set(JSON.stringify(stateKey(e)), stateKey(e));
  }
  const stateKeys = [...keys.values()];
  for (let attempt = 1;; attempt++) {
    const [counter, ...states] = await getAll<unknown>(kv, [KEYS.open, ...stateKeys]);
    const openKeys = states.flatMap((s) => {
      const st = s.value as KeyState | null;
      return st?.open_ms == null ? [] : [[...KEYS.rec, st.open_ms, ...s.key.slice(2), st.cycle]];
    });
    const openByKey = new Map(
      (await getAll<StoredAlert>(kv, openKeys))
        .map((o) => [JSON.stringify([...KEYS.key, ...o.key.slice(3, 5)]), o.value]),
    );
    const overlay = new Map<string, Entry>();
    for (const s of states) {
      const k = JSON.stringify(s.key);
      overlay.set(k, { state: s.value as KeyState | null, open: openByKey.get(k) ?? null });
    }
    const initialOpen = Number((counter.value as Deno.KvU64 | null)?.value ?? 0n);
    let open = initialOpen;
    let created = 0;
    const changes = new Map<string, Change>();
    const touched = new Set<string>();
    const verdicts: WriteVerdict[] = [];
    for (const w of batch) {
      const receivedAt = new Date(w.receivedMs).toISOString();
      const local = new Map<string, Entry>();
      const localChanges = new Map<string, Change>();
      const results: IngestResult[] = [];
      let delta = 0;
      let made = 0;
      for (const e of w.events) {
        const k = JSON.stringify(stateKey(e));
        const cur = local.get(k) ?? overlay.get(k)!;
        const t = applyEvent(cur.state, cur.open, e, receivedAt);
        local.set(k, { state: t.state, open: t.state.open_ms === null ? null : t.record ?? null });
        const r: IngestResult = { source: e.source, dedup_key: e.dedup_key, outcome: t.outcome };
        results.push(r);
        if (!t.record) continue;
        r.id = t.record.id;
        r.status = t.record.status;
        if (t.outcome === "created") (delta++, made++);
        if (t.outcome === "resolved") delta--;
        const prior = localChanges.get(t.record.id) ?? changes.get(t.record.id);
        localChanges.set(t.record.id, {
          before: prior ? prior.before : t.previous,
          after: t.record,
        });
      }
      if (delta > 0 && open + delta > maxBacklog) {
        verdicts.push({ ok: false, error: new BacklogFullError(open, maxBacklog) });
        continue;
      }
      for (const [k, v] of local) (overlay.set(k, v), touched.add(k));
      for (const [id, c] of localChanges) changes.set(id, c);
      open += delta;
      created += made;
      verdicts.push({ ok: true, results });
    }
    if (changes.size === 0 && touched.size === 0) return verdicts;
    const op = kv.atomic();
    for (const s of states) {
      op.check(s);
      const st = overlay.get(JSON.stringify(s.key))!.state;
      if (st && touched.has(JSON.stringify(s.key))) op.set(s.key, st);
    }
    if (open !== initialOpen || created > 0) {
      op.check(counter).set(KEYS.open, new Deno.KvU64(BigInt(open)));
    }
    if (created > 0) op.sum(KEYS.total, BigInt(created));
    for (const { before, after } of changes.values()) {
      const tail = recordTail(after);
      op.set([...KEYS.rec, ...tail], after);
      if (before?.status !== after.status) {
        if (before) op.delete([...KEYS.idx, "status", before.status, ...tail]);
        op.set([...KEYS.idx, "status", after.status, ...tail], null);
      }
      if (!before) {
        op.set([...KEYS.idx, "source", after.source, ...tail], null);
        op.set([...KEYS.idx, "type", after.alert_type, ...tail], null);
      }
    }
    if (await commitOrBusy(op)) return verdicts;
    if (attempt >= MAX_ATTEMPTS) {
      throw new Error(`ingest: commit still conflicting after ${MAX_ATTEMPTS} attempts`);
    }
    await new Promise((r) => setTimeout(r, Math.min(50, attempt * 2)));
  }
}
