import assert from "node:assert/strict";
import { DATADOG_WEBHOOK_TEMPLATE } from "../../src/ingest/formats/datadog.ts";
import { datadogDefaultExample, datadogTemplateExample } from "./fixtures.ts";
import { ingestHarness } from "./http_helpers.ts";

Deno.test("POST /ingest/alerts stores a Datadog alert sent with the documented template", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts", datadogTemplateExample());
  assert.equal(r.status, 202);
  assert.equal(r.body.source, "datadog");
  assert.equal(r.body.dedup_key, "9bd4ac313a4d1e8fae2482df7b77628");
  const { body } = await h.get("/ingest/alerts?source=datadog");
  const [a] = body.alerts;
  assert.equal(a.alert_type, "CPU");
  assert.equal(a.visible_severity, 0.7);
  assert.equal(a.service, "checkout");
  assert.equal(a.timestamp, "2014-07-29T19:37:52.000Z");
  h.close();
});

Deno.test("POST /ingest/alerts/datadog accepts the template with its $VARIABLES unfilled", async () => {
  const h = await ingestHarness();
  const body = JSON.parse(DATADOG_WEBHOOK_TEMPLATE);
  body.title = "Disk almost full on db-1";
  const r = await h.post("/ingest/alerts/datadog", body);
  assert.equal(r.status, 202, r.text);
  h.close();
});

Deno.test("POST /ingest/alerts records a Datadog Warn→Triggered rise and closes it on Recovered", async () => {
  const h = await ingestHarness();
  const warn = { ...datadogTemplateExample(), alert_transition: "Warn", alert_priority: "P3" };
  await h.post("/ingest/alerts", warn);
  const up = await h.post("/ingest/alerts", datadogTemplateExample());
  assert.equal(up.body.results[0].outcome, "updated");
  const rec = { ...datadogTemplateExample(), alert_transition: "Recovered", date: "1406662972000" };
  assert.equal((await h.post("/ingest/alerts", rec)).body.results[0].outcome, "resolved");
  const { body } = await h.get("/ingest/alerts");
  const [a] = body.alerts;
  assert.equal(a.visible_severity, 0.5, "the opening severity is kept");
  assert.equal(a.peak_severity, 0.7);
  assert.equal(a.escalated, true);
  assert.equal(a.resolved_at, "2014-07-29T19:42:52.000Z");
  h.close();
});

Deno.test("POST /ingest/alerts accepts Datadog's default payload (no template)", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts", datadogDefaultExample());
  assert.equal(r.status, 202);
  assert.equal(r.body.source, "datadog");
  const { body } = await h.get("/ingest/alerts?type=memory");
  assert.equal(body.count, 1);
  h.close();
});

Deno.test("POST /ingest/alerts/datadog answers 422 naming title when it is missing", async () => {
  const h = await ingestHarness();
  const body = datadogTemplateExample();
  delete body.title;
  const r = await h.post("/ingest/alerts/datadog", body);
  assert.equal(r.status, 422);
  assert.equal(r.body.field, "title");
  h.close();
});
