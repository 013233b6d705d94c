import assert from "node:assert/strict";
import { pagerdutyCloseExample, pagerdutyTriggerExample } from "./fixtures.ts";
import { ingestHarness } from "./http_helpers.ts";

Deno.test("POST /ingest/alerts stores the official PagerDuty trigger with its dedup_key", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts", pagerdutyTriggerExample());
  assert.equal(r.status, 202);
  assert.equal(r.body.message, "Event processed");
  assert.equal(r.body.dedup_key, "samplekeyhere");
  const { body } = await h.get("/ingest/alerts?source=pagerduty");
  const [a] = body.alerts;
  assert.equal(a.visible_severity, 0.3);
  assert.equal(a.service, "prod-datapipe");
  assert.equal(a.timestamp, "2015-07-17T08:42:58.315Z");
  assert.equal(a.raw.routing_key, "[redacted]", "the integration key is not kept");
  h.close();
});

Deno.test("POST /ingest/alerts applies PagerDuty acknowledge then resolve to the open alert", async () => {
  const h = await ingestHarness();
  const trigger = { ...pagerdutyTriggerExample(), dedup_key: "dedupkeyhere" };
  await h.post("/ingest/alerts", trigger);
  const ack = await h.post("/ingest/alerts", pagerdutyCloseExample("acknowledge"));
  assert.equal(ack.body.results[0].outcome, "acknowledged");
  assert.equal(ack.body.results[0].status, "acknowledged");
  let list = await h.get("/ingest/alerts?status=acknowledged");
  assert.equal(list.body.count, 1);
  assert.equal(list.body.alerts[0].escalated, true);
  const res = await h.post("/ingest/alerts/pagerduty", pagerdutyCloseExample("resolve"));
  assert.equal(res.body.results[0].outcome, "resolved");
  list = await h.get("/ingest/alerts?status=acknowledged");
  assert.equal(list.body.count, 0, "the status index follows the record");
  list = await h.get("/ingest/alerts?status=resolved&source=pagerduty");
  assert.equal(list.body.alerts[0].resolved_at, "2026-08-20T10:00:03.000Z", "receipt time");
  assert.deepEqual(await h.problems(), []);
  h.close();
});

Deno.test("POST /ingest/alerts drops PagerDuty acknowledge/resolve for an unknown dedup_key", async () => {
  const h = await ingestHarness();
  for (const action of ["acknowledge", "resolve"]) {
    const r = await h.post("/ingest/alerts", pagerdutyCloseExample(action));
    assert.equal(r.status, 202);
    assert.equal(r.body.results[0].outcome, "ignored");
  }
  assert.equal((await h.store.stats()).total, 0);
  h.close();
});

Deno.test("POST /ingest/alerts/pagerduty answers 422 naming the missing or invalid field", async () => {
  const h = await ingestHarness();
  const noKey = pagerdutyTriggerExample();
  delete noKey.routing_key;
  assert.equal((await h.post("/ingest/alerts/pagerduty", noKey)).body.field, "routing_key");
  const badSeverity = pagerdutyTriggerExample();
  badSeverity.payload.severity = "apocalyptic";
  const r = await h.post("/ingest/alerts", badSeverity);
  assert.equal(r.status, 422);
  assert.equal(r.body.field, "payload.severity");
  assert.equal(r.body.source, "pagerduty");
  const noDedup = { routing_key: "k", event_action: "resolve" };
  assert.equal((await h.post("/ingest/alerts", noDedup)).body.field, "dedup_key");
  h.close();
});

Deno.test("POST /ingest/alerts accepts a PagerDuty trigger without optional fields", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts", {
    routing_key: "k",
    event_action: "trigger",
    payload: { summary: "Disk 99% on db-1", source: "db-1", severity: "critical" },
    brand_new_field: true,
  });
  assert.equal(r.status, 202);
  assert.match(r.body.dedup_key, /^derived-/);
  const { body } = await h.get("/ingest/alerts?type=disk");
  assert.equal(body.alerts[0].service, "db-1");
  h.close();
});
