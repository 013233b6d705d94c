import assert from "node:assert/strict";
import { alertmanagerExample } from "./fixtures.ts";
import { ingestHarness } from "./http_helpers.ts";

Deno.test("POST /ingest/alerts stores the documented Alertmanager example as one firing alert", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts", alertmanagerExample());
  assert.equal(r.status, 202);
  assert.equal(r.body.status, "success");
  assert.equal(r.body.source, "alertmanager");
  assert.equal(r.body.dedup_key, "4f2b1c9d8e7a6b5c");
  assert.deepEqual(r.body.results, [{
    source: "alertmanager",
    dedup_key: "4f2b1c9d8e7a6b5c",
    outcome: "created",
    id: "alertmanager:4f2b1c9d8e7a6b5c#1",
    status: "firing",
  }]);
  const list = await h.get("/ingest/alerts");
  assert.equal(list.status, 200);
  const [a] = list.body.alerts;
  assert.equal(a.alert_type, "CPU");
  assert.equal(a.visible_severity, 0.9);
  assert.equal(a.service, "node");
  assert.equal(a.timestamp, "2026-08-20T10:00:00.000Z");
  assert.equal(a.raw.alerts[0].fingerprint, "4f2b1c9d8e7a6b5c", "raw payload kept");
  assert.deepEqual(await h.problems(), []);
  h.close();
});

Deno.test("POST /ingest/alerts stores a repeated fingerprint once", async () => {
  const h = await ingestHarness();
  for (let i = 0; i < 3; i++) {
    assert.equal((await h.post("/ingest/alerts", alertmanagerExample())).status, 202);
  }
  const { body } = await h.get("/ingest/alerts");
  assert.equal(body.count, 1);
  assert.equal(body.alerts[0].seen_count, 3);
  assert.equal(body.alerts[0].received_at, "2026-08-20T10:00:01.000Z");
  assert.equal(body.alerts[0].last_seen, "2026-08-20T10:00:03.000Z");
  assert.equal((await h.store.stats()).open, 1);
  h.close();
});

Deno.test("POST /ingest/alerts closes the alert on resolve and opens a new cycle on a later trigger", async () => {
  const h = await ingestHarness();
  await h.post("/ingest/alerts", alertmanagerExample());
  const resolved = alertmanagerExample();
  resolved.status = "resolved";
  resolved.notification_reason = "all alerts resolved";
  resolved.alerts[0].status = "resolved";
  resolved.alerts[0].endsAt = "2026-08-20T10:04:00Z";
  const r = await h.post("/ingest/alerts", resolved);
  assert.equal(r.body.results[0].outcome, "resolved");
  assert.equal((await h.store.stats()).open, 0);
  const again = await h.post("/ingest/alerts", alertmanagerExample());
  assert.equal(again.body.results[0].outcome, "created");
  assert.equal(again.body.results[0].id, "alertmanager:4f2b1c9d8e7a6b5c#2");
  const { body } = await h.get("/ingest/alerts");
  assert.deepEqual(body.alerts.map((a: { id: string; status: string }) => [a.id, a.status]), [
    ["alertmanager:4f2b1c9d8e7a6b5c#2", "firing"],
    ["alertmanager:4f2b1c9d8e7a6b5c#1", "resolved"],
  ]);
  assert.equal(body.alerts[1].resolved_at, "2026-08-20T10:04:00.000Z");
  assert.deepEqual(await h.problems(), []);
  h.close();
});

Deno.test("POST /ingest/alerts ignores a resolve for a fingerprint it never saw firing", async () => {
  const h = await ingestHarness();
  const resolved = alertmanagerExample();
  resolved.alerts[0].status = "resolved";
  const r = await h.post("/ingest/alerts", resolved);
  assert.equal(r.status, 202);
  assert.equal(r.body.accepted, 0);
  assert.equal(r.body.ignored, 1);
  assert.equal((await h.store.stats()).total, 0);
  h.close();
});

Deno.test("POST /ingest/alerts/alertmanager accepts later and unknown fields, and missing optional ones", async () => {
  const h = await ingestHarness();
  const body = alertmanagerExample();
  body.routeLabels = { receiver: "triage" };
  body.some_future_field = { nested: [1, 2] };
  body.alerts[0].some_alert_extra = true;
  assert.equal((await h.post("/ingest/alerts/alertmanager", body)).status, 202);
  const minimal = {
    version: "4",
    alerts: [{ labels: { alertname: "DiskFull", instance: "db-2:9100" } }],
  };
  const r = await h.post("/ingest/alerts/alertmanager", minimal);
  assert.equal(r.status, 202);
  assert.match(r.body.dedup_key, /^derived-[0-9a-f]{16}$/);
  const { body: list } = await h.get("/ingest/alerts?type=DISK");
  assert.equal(list.alerts[0].service, "db-2");
  assert.equal(list.alerts[0].timestamp, "2026-08-20T10:00:02.000Z", "receipt time as fallback");
  h.close();
});

Deno.test("POST /ingest/alerts stores every alert of a group and truncatedAlerts is ignored", async () => {
  const h = await ingestHarness();
  const body = alertmanagerExample();
  body.truncatedAlerts = 7;
  body.alerts = Array.from({ length: 150 }, (_, i) => ({
    ...body.alerts[0],
    labels: { ...body.alerts[0].labels, instance: `web-${i}:9100` },
    fingerprint: `fp-${i}`,
  }));
  const r = await h.post("/ingest/alerts", body);
  assert.equal(r.status, 202);
  assert.equal(r.body.accepted, 150, "more keys than one commit holds: chunked, all stored");
  assert.equal((await h.store.stats()).open, 150);
  assert.deepEqual(await h.problems(), []);
  h.close();
});

Deno.test("POST /ingest/alerts answers 422 naming the missing labels of an Alertmanager alert", async () => {
  const h = await ingestHarness();
  const body = alertmanagerExample();
  delete body.alerts[0].labels;
  const r = await h.post("/ingest/alerts", body);
  assert.equal(r.status, 422);
  assert.equal(r.body.field, "alerts[0].labels");
  assert.deepEqual(r.body.detail[0].loc, ["body", "alerts", 0, "labels"]);
  assert.match(r.body.detail[0].msg, /alerts\[0\]\.labels: required/);
  const bad = alertmanagerExample();
  bad.alerts[0].startsAt = "yesterday";
  const t = await h.post("/ingest/alerts/alertmanager", bad);
  assert.equal(t.status, 422);
  assert.equal(t.body.field, "alerts[0].startsAt");
  assert.equal((await h.store.stats()).total, 0);
  h.close();
});
