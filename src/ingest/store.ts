/**
 * Durable storage of ingested alerts in Deno KV (an embedded SQLite file by default, `:memory:`
 * in tests, or a remote KV URL — `Deno.openKv("https://api.deno.com/databases/<id>/connect")`
 * with `DENO_KV_ACCESS_TOKEN` — when several servers must share one store). Needs
 * `--unstable-kv` (or `"unstable": ["kv"]` in deno.json) on Deno 2.9.
 *
 * **Guarantees.** `ingest()` resolves only after its atomic commit succeeded, so an HTTP 2xx
 * means the alert is on disk. Events follow `lifecycle.ts` (same dedup key while open → one
 * record; resolve closes it; a trigger after resolve opens cycle + 1). Every commit checks the
 * versionstamp of each touched key's state and of the open-alert counter, so the counter,
 * the records and their indexes change together or not at all, also with several processes
 * on one store (a conflicting commit is re-read and retried).
 *
 * **Group commit.** Within a process, writes queue; each flush commits every queued write
 * (within the per-commit limits) in ONE atomic operation (`store_commit.ts`), so concurrent
 * requests share one fsync while each stays all-or-nothing. A lone request commits at once.
 *
 * **Bounded backlog.** At most `maxBacklog` OPEN alerts; a write that would open more is
 * refused with {@link BacklogFullError} and nothing of it is written (repeats, acks and
 * resolves still pass).
 *
 * **Atomicity of a body.** A body's events commit in one atomic operation when they touch at
 * most `MAX_KEYS_PER_COMMIT` (90) dedup keys and ~600 KB of records (Deno KV's limits: 100
 * checks, 1000 mutations, 800 KiB); a larger Alertmanager group commits in order in several
 * all-or-nothing chunks, and since events are idempotent a retried body converges to one copy.
 * Before the first chunk of such a body, the backlog room for the WHOLE body is checked
 * (`backlogPeak`: the highest the open count would reach while its events apply), and the
 * body is refused with {@link BacklogFullError} with nothing written if it would not fit; no
 * other write of this process runs between that check and the body's last chunk. (Only another
 * process writing to the same store in that window could still fill the backlog mid-body.)
 *
 * KV layout: see `store_keys.ts`.
 *
 * @example
 * ```ts
 * import { IngestStore } from "./store.ts";
 * const store = await IngestStore.open(":memory:");
 * const [r] = await store.ingest([{ source: "generic", dedup_key: "k", status: "firing",
 *   alert_type: "DISK", visible_severity: 0.9, confidence: 0.5, service: "db", title: "Disk",
 *   timestamp: "2026-08-20T10:00:00.000Z", raw: {} }]);
 * console.assert(r.outcome === "created" && (await store.stats()).open === 1);
 * store.close();
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { boundEvent } from "./bound.ts";
import { type IngestConfig, ingestConfigFromEnv } from "./ingest_config.ts";
import type { StoredAlert } from "./lifecycle.ts";
import type { NormalizedAlert } from "./normalized_alert.ts";
import {
  BacklogFullError,
  backlogPeak,
  commitBatch,
  type IngestResult,
  type PendingWrite,
} from "./store_commit.ts";
import {
  chunked,
  COMMIT_BYTE_BUDGET,
  eventBytes,
  KEYS,
  MAX_KEYS_PER_COMMIT,
  recordTail,
} from "./store_keys.ts";
import { listAlerts, type ListPage, type ListQuery } from "./store_query.ts";

export { BacklogFullError, KEYS, MAX_KEYS_PER_COMMIT, recordTail };
export type { IngestResult, ListPage, ListQuery, StoredAlert };

/** Deno KV is not available (missing `--unstable-kv`) or could not be opened. */
export class KvUnavailableError extends AlertTriageError {
  /** Builds the error. */
  constructor(message: string) {
    super(message, "STORE_UNAVAILABLE", "unavailable");
    this.name = "KvUnavailableError";
  }
}

/** Options of {@link IngestStore}. */
export interface IngestStoreOptions {
  /** Most open alerts stored at once (default 100000). */
  maxBacklog?: number;
  /** Milliseconds clock for receipt times (default `Date.now`). */
  now?: () => number;
}

/** Counts kept by the store. */
export interface StoreStats {
  /** Open (firing or acknowledged) alerts. */
  open: number;
  /** Records ever stored. */
  total: number;
  /** The backlog bound. */
  max_backlog: number;
}

interface Queued {
  /** One write, or (a body too large for one commit) its chunks, committed in order. */
  writes: PendingWrite[];
  keys: Set<string>;
  bytes: number;
  resolve: (results: IngestResult[]) => void;
  reject: (error: unknown) => void;
}

/** The durable alert store (see the module doc). */
export class IngestStore {
  /** The KV handle. */
  readonly kv: Deno.Kv;
  /** Most open alerts stored at once. */
  readonly maxBacklog: number;
  readonly #now: () => number;
  #queue: Queued[] = [];
  #flushing = false;

  /** Wraps an open KV handle. */
  constructor(kv: Deno.Kv, options: IngestStoreOptions = {}) {
    this.kv = kv;
    this.maxBacklog = options.maxBacklog ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Opens the KV at `path` (a file — its directory is created —, `:memory:` or a remote URL).
   *
   * @example
   * ```ts
   * import { IngestStore } from "./store.ts";
   * const store = await IngestStore.open(":memory:", { maxBacklog: 10 });
   * store.close();
   * ```
   */
  static async open(path: string, options: IngestStoreOptions = {}): Promise<IngestStore> {
    if (typeof Deno.openKv !== "function") {
      throw new KvUnavailableError(
        'Deno KV is unavailable: run with --unstable-kv (or "unstable": ["kv"] in deno.json)',
      );
    }
    if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
      const dir = path.replace(/[^/\\]*$/, "");
      if (dir) await Deno.mkdir(dir, { recursive: true });
    }
    return new IngestStore(await Deno.openKv(path), options);
  }

  /** Closes the KV handle. */
  close(): void {
    this.kv.close();
  }

  /**
   * Stores one request's events, received now (or at `receivedAtMs`, for imports); resolves
   * after the commit that holds them. Rejects with {@link BacklogFullError} (nothing of this
   * request written) or `IngestFormatError` (an over-long dedup key).
   */
  async ingest(
    events: readonly NormalizedAlert[],
    options: { receivedAtMs?: number } = {},
  ): Promise<IngestResult[]> {
    const bounded = events.map(boundEvent);
    const receivedMs = options.receivedAtMs ?? this.#now();
    const writes = [...chunked(bounded)].map((chunk) => ({ events: chunk, receivedMs }));
    return writes.length === 0 ? [] : await this.#enqueue(writes);
  }

  /** Counts: open, total, bound. */
  async stats(): Promise<StoreStats> {
    const [open, total] = await this.kv.getMany<Deno.KvU64[]>([KEYS.open, KEYS.total]);
    return {
      open: Number(open.value?.value ?? 0n),
      total: Number(total.value?.value ?? 0n),
      max_backlog: this.maxBacklog,
    };
  }

  /** A page of records, newest first (see `store_query.ts`). */
  list(query: ListQuery = {}): Promise<ListPage> {
    return listAlerts(this.kv, query);
  }

  /** Every record received in `[since, until)` (ms), oldest first. */
  async *all(range: { since?: number; until?: number } = {}): AsyncGenerator<StoredAlert> {
    const iter = this.kv.list<StoredAlert>({
      start: [...KEYS.rec, range.since ?? -Infinity],
      end: [...KEYS.rec, range.until ?? Infinity],
    });
    for await (const entry of iter) yield entry.value;
  }

  /** The latest `limit` records received before `until` (ms), newest first. */
  async *recent(limit: number, until?: number): AsyncGenerator<StoredAlert> {
    const iter = this.kv.list<StoredAlert>(
      { start: [...KEYS.rec, -Infinity], end: [...KEYS.rec, until ?? Infinity] },
      { reverse: true, limit },
    );
    for await (const entry of iter) yield entry.value;
  }

  #enqueue(writes: PendingWrite[]): Promise<IngestResult[]> {
    return new Promise((resolve, reject) => {
      const events = writes.flatMap((w) => w.events);
      const keys = new Set(events.map((e) => `${e.source}\u0000${e.dedup_key}`));
      const bytes = events.reduce((n, e) => n + eventBytes(e), 0);
      this.#queue.push({ writes, keys, bytes, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  /** Commits a body of several chunks, after checking the backlog room for all of it. */
  async #commitWhole(q: Queued): Promise<void> {
    try {
      const { open, peak } = await backlogPeak(this.kv, q.writes.flatMap((w) => w.events));
      if (peak > 0 && open + peak > this.maxBacklog) {
        return q.reject(new BacklogFullError(open, this.maxBacklog));
      }
      const results: IngestResult[] = [];
      for (const w of q.writes) {
        const [v] = await commitBatch(this.kv, [w], this.maxBacklog);
        if (!v.ok) return q.reject(v.error);
        results.push(...v.results);
      }
      q.resolve(results);
    } catch (e) {
      q.reject(e);
    }
  }

  /** Commits queued writes, as many per atomic operation as the limits allow, until none. */
  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        if (this.#queue[0].writes.length > 1) {
          await this.#commitWhole(this.#queue.shift()!);
          continue;
        }
        const batch: Queued[] = [];
        const keys = new Set<string>();
        let bytes = 0;
        for (const q of this.#queue) {
          if (q.writes.length > 1) break;
          const union = new Set([...keys, ...q.keys]);
          if (
            batch.length &&
            (union.size > MAX_KEYS_PER_COMMIT || bytes + q.bytes > COMMIT_BYTE_BUDGET)
          ) {
            break;
          }
          batch.push(q);
          q.keys.forEach((k) => keys.add(k));
          bytes += q.bytes;
        }
        this.#queue.splice(0, batch.length);
        try {
          const verdicts = await commitBatch(
            this.kv,
            batch.map((q) => q.writes[0]),
            this.maxBacklog,
          );
          verdicts.forEach((v, i) => v.ok ? batch[i].resolve(v.results) : batch[i].reject(v.error));
        } catch (e) {
          for (const q of batch) q.reject(e);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }
}

const shared = new Map<string, Promise<IngestStore>>();

/**
 * The process-wide store for a configuration, opened once per KV path (the ingest routes and
 * the server's replay resets share it). A failed open is forgotten, so a later call retries.
 *
 * @example
 * ```ts
 * import { sharedIngestStore } from "./store.ts";
 * const a = sharedIngestStore({ kvPath: ":memory:", maxBacklog: 5 });
 * console.assert(a === sharedIngestStore({ kvPath: ":memory:", maxBacklog: 5 }));
 * (await a).close();
 * ```
 */
export function sharedIngestStore(
  config: Pick<IngestConfig, "kvPath" | "maxBacklog"> = ingestConfigFromEnv(),
): Promise<IngestStore> {
  let store = shared.get(config.kvPath);
  if (!store) {
    store = IngestStore.open(config.kvPath, { maxBacklog: config.maxBacklog });
    shared.set(config.kvPath, store);
    store.catch(() => shared.delete(config.kvPath));
  }
  return store;
}
