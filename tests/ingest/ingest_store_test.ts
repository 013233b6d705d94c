import assert from "node:assert/strict";
import fc from "fast-check";
import { boundEvent, MAX_RAW_CHARS } from "../../src/ingest/bound.ts";
import { IngestFormatError } from "../../src/ingest/errors.ts";
import { foldEvents, type ReceivedEvent } from "../../src/ingest/lifecycle.ts";
import type { NormalizedAlert } from "../../src/ingest/normalized_alert.ts";
import { IngestStore } from "../../src/ingest/store.ts";
import { verifyStore } from "../../src/ingest/store_verify.ts";

const T0 = Date.UTC(2026, 7, 20, 10);

function event(
  key: string,
  status: NormalizedAlert["status"] = "firing",
  sev = 0.5,
): NormalizedAlert {
  return {
    source: "generic",
    dedup_key: key,
    status,
    alert_type: "DISK",
    visible_severity: sev,
    confidence: 0.5,
    service: "db",
    title: `Disk ${key}`,
    timestamp: new Date(T0).toISOString(),
    raw: { key },
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

Deno.test("IngestStore folds any event sequence exactly as the pure lifecycle does", async () => {
  const step = fc.record({
    key: fc.constantFrom("a", "b", "c"),
    status: fc.constantFrom("firing", "firing", "acknowledged", "resolved") as fc.Arbitrary<
      NormalizedAlert["status"]
    >,
    sev: fc.constantFrom(0.3, 0.5, 0.9),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
      const store = await IngestStore.open(":memory:");
      const events: ReceivedEvent[] = steps.map((s, i) => ({
        alert: event(s.key, s.status, s.sev),
        received_at: new Date(T0 + i * 1000).toISOString(),
      }));
      for (const e of events) {
        await store.ingest([e.alert], { receivedAtMs: Date.parse(e.received_at) });
      }
      const stored = await collect(store.all());
      const folded = foldEvents(events);
      assert.deepEqual(stored, folded);
      const report = await verifyStore(store.kv);
      assert.deepEqual(report.problems, []);
      assert.equal(
        (await store.stats()).open,
        folded.filter((r) => r.status !== "resolved").length,
      );
      store.close();
    }),
    { numRuns: 60, seed: 11 },
  );
});

Deno.test("IngestStore keeps one record when the same key arrives concurrently", async () => {
  const store = await IngestStore.open(":memory:");
  await Promise.all(Array.from({ length: 40 }, () => store.ingest([event("same")])));
  const [only, ...rest] = await collect(store.all());
  assert.equal(rest.length, 0);
  assert.equal(only.seen_count, 40);
  assert.deepEqual((await verifyStore(store.kv)).problems, []);
  store.close();
});

Deno.test("two IngestStore handles on one KV file stay consistent and respect the backlog", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/shared.kv`;
  const a = await IngestStore.open(path, { maxBacklog: 30 });
  const b = await IngestStore.open(path, { maxBacklog: 30 });
  const outcomes = await Promise.allSettled(
    Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).ingest([event(`k${i % 45}`)])),
  );
  const refused = outcomes.filter((o) => o.status === "rejected");
  for (const r of refused) {
    assert.equal((r as PromiseRejectedResult).reason.name, "BacklogFullError");
  }
  const report = await verifyStore(a.kv);
  assert.deepEqual(report.problems, []);
  assert.equal(report.open, 30, "exactly the bound: the counter check serialises the two handles");
  assert.equal(refused.length, 15);
  a.close();
  b.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("IngestStore.all() and recent() select records by receipt time", async () => {
  const store = await IngestStore.open(":memory:");
  for (let i = 0; i < 5; i++) {
    await store.ingest([event(`k${i}`)], { receivedAtMs: T0 + i * 60_000 });
  }
  const keys = (rs: { dedup_key: string }[]) => rs.map((r) => r.dedup_key);
  assert.deepEqual(keys(await collect(store.all({ since: T0 + 60_000, until: T0 + 180_000 }))), [
    "k1",
    "k2",
  ]);
  assert.deepEqual(keys(await collect(store.recent(2))), ["k4", "k3"]);
  assert.deepEqual(keys(await collect(store.recent(2, T0 + 120_000))), ["k1", "k0"]);
  store.close();
});

Deno.test("boundEvent() redacts credentials, cuts an over-large raw payload and rejects long keys", () => {
  const e = boundEvent({
    ...event("k"),
    raw: {
      routing_key: "R",
      payload: { custom_details: { Password: "p" } },
      blob: "x".repeat(MAX_RAW_CHARS),
    },
  });
  const raw = e.raw as { truncated: boolean; head: string; json_chars: number };
  assert.equal(raw.truncated, true);
  assert.ok(raw.json_chars > MAX_RAW_CHARS);
  assert.ok(raw.head.includes('"routing_key":"[redacted]"'));
  assert.ok(raw.head.includes('"Password":"[redacted]"'));
  assert.throws(
    () => boundEvent(event("k".repeat(1025))),
    (err: unknown) => err instanceof IngestFormatError && err.field === "dedup_key",
  );
});

Deno.test("IngestStore commits a body of large alerts in size-bounded chunks", async () => {
  const store = await IngestStore.open(":memory:");
  const big = Array.from({ length: 40 }, (_, i) => ({
    ...event(`big${i}`),
    raw: { blob: "y".repeat(MAX_RAW_CHARS - 100) },
  }));
  const results = await store.ingest(big);
  assert.equal(results.filter((r) => r.outcome === "created").length, 40);
  assert.deepEqual((await verifyStore(store.kv)).problems, []);
  store.close();
});

Deno.test("IngestStore group-commits concurrent requests and refuses only those past the backlog", async () => {
  const store = await IngestStore.open(":memory:", { maxBacklog: 5 });
  const settled = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => store.ingest([event(`g${i}`), event(`g${i}`)])),
  );
  const ok = settled.filter((s) => s.status === "fulfilled");
  assert.equal(ok.length, 5);
  assert.deepEqual(
    settled.slice(5).map((s) => s.status === "rejected" && s.reason.name),
    Array(5).fill("BacklogFullError"),
  );
  const report = await verifyStore(store.kv);
  assert.deepEqual(report.problems, []);
  assert.deepEqual([...report.per_key.keys()], [
    "generic:g0",
    "generic:g1",
    "generic:g2",
    "generic:g3",
    "generic:g4",
  ]);
  store.close();
});
