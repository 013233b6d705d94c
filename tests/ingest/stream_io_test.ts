import assert from "node:assert/strict";
import {
  exportJsonl,
  importIntoStore,
  importJsonl,
  parseJsonl,
  StreamFormatError,
} from "../../src/ingest/stream_io.ts";
import type { StoredAlert } from "../../src/ingest/lifecycle.ts";
import { IngestStore } from "../../src/ingest/store.ts";
import { verifyStore } from "../../src/ingest/store_verify.ts";
import { alertmanagerStreamJsonl } from "./stream_fixtures.ts";
import { pagerdutyCloseExample, pagerdutyTriggerExample } from "./fixtures.ts";

async function exported(store: IngestStore): Promise<string> {
  let text = "";
  for await (const line of exportJsonl(store)) text += line;
  return text;
}

const KEPT = [
  "id",
  "cycle",
  "status",
  "source",
  "dedup_key",
  "alert_type",
  "service",
  "timestamp",
  "received_at",
  "resolved_at",
  "acknowledged_at",
  "escalated",
  "peak_severity",
  "visible_severity",
  "truth_label",
] as const;
const view = (rs: StoredAlert[]) => rs.map((r) => Object.fromEntries(KEPT.map((k) => [k, r[k]])));

Deno.test("importIntoStore() then exportJsonl() round-trips a recorded stream", async () => {
  const store = await IngestStore.open(":memory:");
  const applied = await importIntoStore(store, alertmanagerStreamJsonl());
  assert.equal(applied, 12);
  const text = await exported(store);
  assert.equal(text.trim().split("\n").length, 7);
  const direct = importJsonl(alertmanagerStreamJsonl());
  const again = importJsonl(text);
  assert.deepEqual(view(again), view(direct));
  const second = await IngestStore.open(":memory:");
  await importIntoStore(second, text);
  assert.deepEqual(
    view(
      await (async () => {
        const out = [];
        for await (const r of second.all()) out.push(r);
        return out;
      })(),
    ),
    view(direct),
  );
  assert.deepEqual((await verifyStore(second.kv)).problems, []);
  store.close();
  second.close();
});

Deno.test("exported records keep acknowledge and severity rises through a re-import", async () => {
  const store = await IngestStore.open(":memory:");
  const trigger = { ...pagerdutyTriggerExample(), dedup_key: "dedupkeyhere" };
  await importIntoStore(
    store,
    [
      trigger,
      { ...trigger, payload: { ...trigger.payload, severity: "critical" } },
      pagerdutyCloseExample("acknowledge"),
    ]
      .map((x) => JSON.stringify(x)).join("\n"),
  );
  const [before] = importJsonl(await exported(store));
  assert.equal(before.status, "acknowledged");
  assert.equal(before.escalated, true);
  assert.equal(before.peak_severity, 0.9);
  assert.equal(before.visible_severity, 0.3);
  store.close();
});

Deno.test("parseJsonl() reads normalised lines with received_at and skips comments", () => {
  const line = {
    source: "generic",
    dedup_key: "k",
    status: "firing",
    alert_type: "CPU",
    visible_severity: 0.9,
    confidence: 0.6,
    service: "web",
    title: "CPU",
    timestamp: "2026-08-20T10:00:00Z",
    received_at: "2026-08-20T10:00:05Z",
    raw: {},
  };
  const events = parseJsonl(`# recorded\n\n${JSON.stringify(line)}\n`);
  assert.equal(events.length, 1);
  assert.equal(events[0].received_at, "2026-08-20T10:00:05.000Z");
});

Deno.test("parseJsonl() names the line and field of a bad line", () => {
  const good = JSON.stringify({ title: "x" });
  assert.throws(
    () => parseJsonl(`${good}\n${good}\n{nope`),
    (e: unknown) => e instanceof StreamFormatError && e.line === 3 && e.field === "line",
  );
  const badNormalised = JSON.stringify({
    source: "generic",
    dedup_key: "k",
    status: "firing",
    alert_type: "CPU",
    visible_severity: 2,
    confidence: 0.5,
    service: "s",
    title: "t",
    timestamp: "2026-08-20T10:00:00Z",
    raw: {},
  });
  assert.throws(
    () => parseJsonl(badNormalised),
    (e: unknown) =>
      e instanceof StreamFormatError && e.line === 1 && /visible_severity/.test(e.message),
  );
  assert.throws(
    () => parseJsonl(JSON.stringify({ version: "4", alerts: [{}] })),
    (e: unknown) => e instanceof StreamFormatError && e.field === "alerts[0].labels",
  );
  assert.throws(() => parseJsonl("[1]"), /line 1: line: not a JSON object/);
});
