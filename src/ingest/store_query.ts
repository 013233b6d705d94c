/**
 * Listing stored alerts newest first, paged, filtered by status, source and alert type, over
 * the KV layout of `store.ts`. The most selective index available is scanned (status, else
 * source, else type, else all records by receipt time) and the other filters are applied to the
 * records. A page's `next_cursor` is the position of its last alert (opaque base64url), so
 * paging is stable while new alerts arrive; `offset` skips matches after the cursor.
 *
 * @example
 * ```ts
 * import { IngestStore } from "./store.ts";
 * const store = await IngestStore.open(":memory:");
 * const page = await store.list({ status: "firing", limit: 10 });
 * console.assert(page.alerts.length === 0 && page.next_cursor === null);
 * store.close();
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import type { StoredAlert } from "./lifecycle.ts";
import type { AlertStatus, AlertType, AlertVendor } from "./normalized_alert.ts";

/** Largest page. */
export const MAX_PAGE = 500;
/** Page size when none is asked for. */
export const DEFAULT_PAGE = 50;

/** Filters and paging of a listing. */
export interface ListQuery {
  /** Only alerts in this status. */
  status?: AlertStatus;
  /** Only alerts from this vendor format. */
  source?: AlertVendor;
  /** Only alerts of this type. */
  alert_type?: AlertType;
  /** Page size, 1..{@link MAX_PAGE} (default {@link DEFAULT_PAGE}). */
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
  /** Matches to skip (after the cursor). */
  offset?: number;
}

/** One page. */
export interface ListPage {
  /** Alerts, newest (by receipt) first. */
  alerts: StoredAlert[];
  /** Cursor of the next page, `null` on the last one. */
  next_cursor: string | null;
}

/** The cursor was not produced by a listing. */
export class BadCursorError extends AlertTriageError {
  /** Builds the error. */
  constructor() {
    super(
      "cursor is not a next_cursor returned by GET /ingest/alerts",
      "BAD_CURSOR",
      "invalid_input",
    );
    this.name = "BadCursorError";
  }
}

/** A record position: `[received ms, source, dedup_key, cycle]`. */
export type CursorTail = [number, string, string, number];

/**
 * Encodes a record position as a cursor.
 *
 * @example
 * ```ts
 * import { decodeCursor, encodeCursor } from "./store_query.ts";
 * const c = encodeCursor([1, "generic", "k", 2]);
 * console.assert(decodeCursor(c)[2] === "k");
 * ```
 */
export function encodeCursor(tail: CursorTail): string {
  const bytes = new TextEncoder().encode(JSON.stringify(tail));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * Decodes a cursor; throws {@link BadCursorError} on anything else.
 *
 * @example
 * ```ts
 * import { decodeCursor } from "./store_query.ts";
 * try { decodeCursor("nope"); } catch (e) { console.assert((e as Error).name === "BadCursorError"); }
 * ```
 */
export function decodeCursor(cursor: string): CursorTail {
  try {
    const bin = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const tail = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
    if (
      Array.isArray(tail) && tail.length === 4 && typeof tail[0] === "number" &&
      typeof tail[1] === "string" && typeof tail[2] === "string" && typeof tail[3] === "number"
    ) return tail as CursorTail;
  } catch {
    // fall through
  }
  throw new BadCursorError();
}

function matches(r: StoredAlert, q: ListQuery): boolean {
  return (q.status === undefined || r.status === q.status) &&
    (q.source === undefined || r.source === q.source) &&
    (q.alert_type === undefined || r.alert_type === q.alert_type);
}

/**
 * A page of stored alerts (see the module doc). Throws {@link BadCursorError} on a bad cursor.
 *
 * @example
 * ```ts
 * import { listAlerts } from "./store_query.ts";
 * const kv = await Deno.openKv(":memory:");
 * console.assert((await listAlerts(kv, {})).alerts.length === 0);
 * kv.close();
 * ```
 */
export async function listAlerts(kv: Deno.Kv, query: ListQuery): Promise<ListPage> {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE)));
  let skip = Math.max(0, Math.floor(query.offset ?? 0));
  const prefix: Deno.KvKey = query.status !== undefined
    ? ["ingest", "idx", "status", query.status]
    : query.source !== undefined
    ? ["ingest", "idx", "source", query.source]
    : query.alert_type !== undefined
    ? ["ingest", "idx", "type", query.alert_type]
    : ["ingest", "rec"];
  const isIndex = prefix[1] === "idx";
  const selector: Deno.KvListSelector = query.cursor === undefined
    ? { prefix }
    : { prefix, end: [...prefix, ...decodeCursor(query.cursor)] };
  const out: StoredAlert[] = [];
  let batch: Deno.KvKey[] = [];
  let more = false;
  const flush = async (): Promise<boolean> => {
    const recs = await kv.getMany<StoredAlert[]>(batch);
    batch = [];
    for (const r of recs) {
      if (!r.value || !matches(r.value, query)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      if (out.length === limit) return (more = true);
      out.push(r.value);
    }
    return false;
  };
  const options = { reverse: true, limit: isIndex ? undefined : limit + skip + 1 };
  for await (const entry of kv.list<StoredAlert | null>(selector, options)) {
    if (!isIndex) {
      if (!entry.value || !matches(entry.value, query)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      if (out.length === limit) {
        more = true;
        break;
      }
      out.push(entry.value);
      continue;
    }
    batch.push(["ingest", "rec", ...entry.key.slice(prefix.length)]);
    if (batch.length === 10 && await flush()) break;
  }
  if (batch.length && !more) await flush();
  const last = out[out.length - 1];
  return {
    alerts: out,
    next_cursor: more && last
      ? encodeCursor([Date.parse(last.received_at), last.source, last.dedup_key, last.cycle])
      : null,
  };
}
