/**
 * The store of a server replica: the alerts live in one ingest service (`cli/ingest.ts`, the
 * only process that opens the Deno KV file) and a replica reads them over HTTP —
 * {@link RemoteIngestStore} is an {@link IngestStore} whose reads go to the service's replay feed
 * (`GET /ingest/replay`, see `replay_feed.ts`), `GET /ingest/stats` and `GET /ingest/alerts`.
 * Every replica so replays the same alerts, and an alert acknowledged by the service (its 202) is
 * in the one store whichever replica plays it. Writes are not forwarded: {@link
 * RemoteIngestStore.ingest} rejects with {@link KvUnavailableError}, so `POST /ingest/*` sent to
 * a replica itself answers 503 (behind the balancer `/ingest/*` goes to the service).
 *
 * A service that cannot be reached, or answers an error, is a {@link KvUnavailableError}: a
 * replay reset then answers 503 `STORE_UNAVAILABLE`, as with a local store that cannot be opened.
 *
 * @example
 * ```ts
 * import { RemoteIngestStore } from "./remote_store.ts";
 * const store = await RemoteIngestStore.connect("http://127.0.0.1:8100", { token: "s3cret" });
 * // for await (const record of store.recent(10)) console.log(record.id);
 * store.close();
 * ```
 *
 * @module
 */
import type { NormalizedAlert } from "./normalized_alert.ts";
import type { StoredAlert } from "./lifecycle.ts";
import { MAX_FEED_LIMIT, REPLAY_FEED_PATH } from "./replay_feed.ts";
import {
  type IngestResult,
  IngestStore,
  KvUnavailableError,
  type ListPage,
  type ListQuery,
  type StoreStats,
} from "./store.ts";

/** Options of {@link RemoteIngestStore.connect}. */
export interface RemoteStoreOptions {
  /** The service's bearer token (`ALERT_TRIAGE_INGEST_TOKEN`). */
  token?: string;
  /** Per-request timeout in ms (default 10000). */
  timeoutMs?: number;
}

/** An {@link IngestStore} read over HTTP from the ingest service (see the module doc). */
export class RemoteIngestStore extends IngestStore {
  /** Base URL of the ingest service, e.g. `http://127.0.0.1:8100`. */
  readonly url: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  private constructor(kv: Deno.Kv, url: string, options: RemoteStoreOptions) {
    super(kv);
    this.url = url.replace(/\/+$/, "");
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * A store reading the service at `url` (nothing is sent until the first read; the local
   * handle the base class needs is an empty in-memory KV).
   *
   * @example
   * ```ts
   * import { RemoteIngestStore } from "./remote_store.ts";
   * const store = await RemoteIngestStore.connect("http://127.0.0.1:8100");
   * console.assert(store.url === "http://127.0.0.1:8100");
   * store.close();
   * ```
   */
  static async connect(url: string, options: RemoteStoreOptions = {}): Promise<RemoteIngestStore> {
    if (!/^https?:\/\//.test(url)) {
      throw new KvUnavailableError(`Ingest service URL must be http(s)://…, got ${url}`);
    }
    if (typeof Deno.openKv !== "function") {
      throw new KvUnavailableError("Deno KV is unavailable: run with --unstable-kv");
    }
    return new RemoteIngestStore(await Deno.openKv(":memory:"), url, options);
  }

  async #get(path: string, params: Record<string, string | number | undefined>) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
    const target = `${this.url}${path}${query.size ? `?${query}` : ""}`;
    let res: Response;
    try {
      res = await fetch(target, {
        headers: this.#token ? { Authorization: `Bearer ${this.#token}` } : {},
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new KvUnavailableError(`Ingest service ${this.url} unreachable: ${why}`);
    }
    if (!res.ok) {
      const text = (await res.text()).slice(0, 300);
      throw new KvUnavailableError(`Ingest service ${target} answered ${res.status}: ${text}`);
    }
    return res;
  }

  async *#feed(params: Record<string, string | number | undefined>): AsyncGenerator<StoredAlert> {
    const res = await this.#get(REPLAY_FEED_PATH, params);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (value) buffered += value;
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) yield JSON.parse(line) as StoredAlert;
        }
        if (done) break;
      }
      if (buffered.trim()) yield JSON.parse(buffered) as StoredAlert;
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  /** Every record received in `[since, until)` (ms), oldest first (at most 100000). */
  override all(range: { since?: number; until?: number } = {}): AsyncGenerator<StoredAlert> {
    return this.#feed({ ...range, limit: MAX_FEED_LIMIT, order: "oldest" });
  }

  /** The latest `limit` records received before `until` (ms), newest first. */
  override recent(limit: number, until?: number): AsyncGenerator<StoredAlert> {
    const n = Math.min(MAX_FEED_LIMIT, Math.max(1, Math.floor(limit)));
    return this.#feed({ until, limit: n, order: "newest" });
  }

  /** The service's counts. */
  override async stats(): Promise<StoreStats> {
    return await (await this.#get("/ingest/stats", {})).json() as StoreStats;
  }

  /** A page of the service's records, newest first. */
  override async list(query: ListQuery = {}): Promise<ListPage> {
    const { alert_type, ...rest } = query;
    const body = await (await this.#get("/ingest/alerts", { ...rest, type: alert_type })).json();
    return { alerts: body.alerts, next_cursor: body.next_cursor } as ListPage;
  }

  /** Rejects: a replica does not write (send alerts to the ingest service). */
  override ingest(
    _events: readonly NormalizedAlert[],
    _options: { receivedAtMs?: number } = {},
  ): Promise<IngestResult[]> {
    return Promise.reject(
      new KvUnavailableError(
        `This replica reads the shared store of ${this.url}: POST alerts to that ingest service`,
      ),
    );
  }
}
