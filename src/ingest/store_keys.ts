/**
 * The Deno KV layout of the ingest store and the limits a single atomic commit must respect.
 *
 * | key                                                        | value              |
 * | ---------------------------------------------------------- | ------------------ |
 * | `["ingest","rec",ms,source,dedup_key,cycle]`               | the `StoredAlert`  |
 * | `["ingest","idx","status"\|"source"\|"type",value,ms,source,dedup_key,cycle]` | `null` |
 * | `["ingest","key",source,dedup_key]`                        | its `KeyState`     |
 * | `["ingest","meta","open"]`, `["ingest","meta","total"]`    | `Deno.KvU64` counts |
 *
 * `ms` is the receipt time of the record's opening event, so records sort by arrival.
 *
 * @example
 * ```ts
 * import { KEYS, recordTail } from "./store_keys.ts";
 * const key = [...KEYS.rec, ...recordTail({ received_at: "1970-01-01T00:00:00.005Z",
 *   source: "generic", dedup_key: "k", cycle: 1 })];
 * console.assert(key.join() === "ingest,rec,5,generic,k,1");
 * ```
 *
 * @module
 */
import type { StoredAlert } from "./lifecycle.ts";
import type { NormalizedAlert } from "./normalized_alert.ts";

/** KV key prefixes. */
export const KEYS = {
  rec: ["ingest", "rec"],
  idx: ["ingest", "idx"],
  key: ["ingest", "key"],
  open: ["ingest", "meta", "open"],
  total: ["ingest", "meta", "total"],
} as const;

/** Most distinct dedup keys per atomic commit (one versionstamp check each; KV allows 100). */
export const MAX_KEYS_PER_COMMIT = 90;
/** Estimated bytes of records per atomic commit (KV allows 800 KiB of mutations). */
export const COMMIT_BYTE_BUDGET = 600_000;

/** The tail `[ms, source, dedup_key, cycle]` shared by a record's key and its index keys. */
export type RecordTail = [number, string, string, number];

/**
 * The tail of a record's keys.
 *
 * @example
 * ```ts
 * import { recordTail } from "./store_keys.ts";
 * const t = recordTail({ received_at: "1970-01-01T00:00:01.000Z", source: "generic",
 *   dedup_key: "k", cycle: 1 });
 * console.assert(t[0] === 1000 && t[3] === 1);
 * ```
 */
export function recordTail(
  r: Pick<StoredAlert, "received_at" | "source" | "dedup_key" | "cycle">,
): RecordTail {
  return [Date.parse(r.received_at), r.source, r.dedup_key, r.cycle];
}

/**
 * The state key of an event's `(source, dedup_key)`.
 *
 * @example
 * ```ts
 * import { stateKey } from "./store_keys.ts";
 * console.assert(stateKey({ source: "generic", dedup_key: "k" }).join() === "ingest,key,generic,k");
 * ```
 */
export function stateKey(e: Pick<NormalizedAlert, "source" | "dedup_key">): Deno.KvKey {
  return [...KEYS.key, e.source, e.dedup_key];
}

/**
 * Estimated bytes an event's record adds to a commit (V8 serialisation may use two bytes per
 * character, plus the index and state entries).
 *
 * @example
 * ```ts
 * import { eventBytes } from "./store_keys.ts";
 * console.assert(eventBytes({ a: 1 }) > 800);
 * ```
 */
export function eventBytes(e: unknown): number {
  return 2 * ((JSON.stringify(e)?.length ?? 4) + 400);
}

/**
 * Splits events into groups within {@link MAX_KEYS_PER_COMMIT} keys and
 * {@link COMMIT_BYTE_BUDGET}, in order.
 *
 * @example
 * ```ts
 * import { chunked } from "./store_keys.ts";
 * const e = (k: string) => ({ source: "generic" as const, dedup_key: k });
 * console.assert([...chunked(Array.from({ length: 100 }, (_, i) => e(`k${i}`)))].length === 2);
 * ```
 */
export function* chunked<T extends Pick<NormalizedAlert, "source" | "dedup_key">>(
  events: readonly T[],
): Generator<T[]> {
  let chunk: T[] = [];
  let keys = new Set<string>();
  let bytes = 0;
  for (const e of events) {
    const k = `${e.source}\u0000${e.dedup_key}`;
    const size = eventBytes(e);
    const full = (!keys.has(k) && keys.size >= MAX_KEYS_PER_COMMIT) ||
      bytes + size > COMMIT_BYTE_BUDGET;
    if (chunk.length && full) {
      yield chunk;
      chunk = [];
      keys = new Set();
      bytes = 0;
    }
    chunk.push(e);
    keys.add(k);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}

/**
 * Reads many keys, 10 per `getMany` (the KV limit), in order.
 *
 * @example
 * ```ts
 * import { getAll } from "./store_keys.ts";
 * const kv = await Deno.openKv(":memory:");
 * console.assert((await getAll(kv, [["a"], ["b"]])).length === 2);
 * kv.close();
 * ```
 */
export async function getAll<T>(
  kv: Deno.Kv,
  keys: readonly Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<T>[]> {
  const out: Deno.KvEntryMaybe<T>[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    out.push(...await kv.getMany<T[]>(keys.slice(i, i + 10)));
  }
  return out;
}
