/**
 * Integrity check of an ingest store: every invariant that the atomic commits of `store.ts`
 * maintain, checked over the whole KV. Used by the durability script after a SIGKILL and by the
 * tests; a store that only ever saw committed transactions has no problems.
 *
 * Invariants: each record sits under the key its own fields give; it has exactly one entry in
 * each index (status, source, type) and every index entry points at a record with that value;
 * a key's state points at its open record and every open record is pointed at; a state's cycle
 * is at least that of each of its records; the open counter equals the open records and the
 * total counter the records.
 *
 * @example
 * ```ts
 * import { IngestStore } from "./store.ts";
 * import { verifyStore } from "./store_verify.ts";
 * const store = await IngestStore.open(":memory:");
 * console.assert((await verifyStore(store.kv)).problems.length === 0);
 * store.close();
 * ```
 *
 * @module
 */
import { isOpen, type KeyState, type StoredAlert } from "./lifecycle.ts";
import { KEYS, recordTail } from "./store_keys.ts";

/** What {@link verifyStore} found. */
export interface IntegrityReport {
  /** Records stored. */
  records: number;
  /** Open records. */
  open: number;
  /** Records per `source:dedup_key` (more than one only across cycles). */
  per_key: Map<string, number>;
  /** Broken invariants, one sentence each (empty when consistent). */
  problems: string[];
}

const FIELD: Record<string, (r: StoredAlert) => string> = {
  status: (r) => r.status,
  source: (r) => r.source,
  type: (r) => r.alert_type,
};

/**
 * Checks every invariant of the module doc (reads the whole store).
 *
 * @example
 * ```ts
 * import { verifyStore } from "./store_verify.ts";
 * const kv = await Deno.openKv(":memory:");
 * console.assert((await verifyStore(kv)).records === 0);
 * kv.close();
 * ```
 */
export async function verifyStore(kv: Deno.Kv): Promise<IntegrityReport> {
  const problems: string[] = [];
  const records = new Map<string, StoredAlert>();
  const perKey = new Map<string, number>();
  const maxCycle = new Map<string, number>();
  let open = 0;
  for await (const e of kv.list<StoredAlert>({ prefix: KEYS.rec })) {
    const r = e.value;
    const tail = JSON.stringify(e.key.slice(2));
    if (JSON.stringify(recordTail(r)) !== tail) problems.push(`record ${r.id} under key ${tail}`);
    records.set(tail, r);
    const k = `${r.source}:${r.dedup_key}`;
    perKey.set(k, (perKey.get(k) ?? 0) + 1);
    maxCycle.set(k, Math.max(maxCycle.get(k) ?? 0, r.cycle));
    if (isOpen(r)) open++;
  }
  for (const [family, field] of Object.entries(FIELD)) {
    const seen = new Set<string>();
    for await (const e of kv.list({ prefix: [...KEYS.idx, family] })) {
      const tail = JSON.stringify(e.key.slice(4));
      const r = records.get(tail);
      if (!r) problems.push(`${family} index entry ${tail} has no record`);
      else if (field(r) !== e.key[3]) {
        problems.push(`${family} index of ${r.id} says ${String(e.key[3])}`);
      }
      if (seen.has(tail)) problems.push(`${family} index lists ${tail} twice`);
      seen.add(tail);
    }
    for (const [tail, r] of records) {
      if (!seen.has(tail)) problems.push(`record ${r.id} missing from the ${family} index`);
    }
  }
  const pointed = new Set<string>();
  for await (const e of kv.list<KeyState>({ prefix: KEYS.key })) {
    const [source, dedup] = e.key.slice(2) as [string, string];
    const st = e.value;
    const top = maxCycle.get(`${source}:${dedup}`) ?? 0;
    if (top > st.cycle) problems.push(`key ${source}:${dedup} cycle ${st.cycle} < record ${top}`);
    if (st.open_ms === null) continue;
    const tail = JSON.stringify([st.open_ms, source, dedup, st.cycle]);
    const r = records.get(tail);
    if (!r || !isOpen(r)) problems.push(`key ${source}:${dedup} points at a missing/closed record`);
    pointed.add(tail);
  }
  for (const [tail, r] of records) {
    if (isOpen(r) && !pointed.has(tail)) problems.push(`open record ${r.id} not pointed at`);
  }
  const [openCount, total] = await kv.getMany<Deno.KvU64[]>([KEYS.open, KEYS.total]);
  const openValue = Number(openCount.value?.value ?? 0n);
  const totalValue = Number(total.value?.value ?? 0n);
  if (openValue !== open) problems.push(`open counter ${openValue} != ${open} open records`);
  if (totalValue !== records.size) {
    problems.push(`total counter ${totalValue} != ${records.size} records`);
  }
  return { records: records.size, open, per_key: perKey, problems };
}
