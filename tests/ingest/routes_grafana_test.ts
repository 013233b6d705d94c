import assert from "node:assert/strict";
import { grafanaExample } from "./fixtures.ts";
import { ingestHarness } from "./http_helpers.ts";

Deno.test("POST /ingest/alerts stores both alerts of the documented Grafana example", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts", grafanaExample());
  assert.equal(r.status, 202);
  assert.equal(r.body.source, "grafana");
  assert.deepEqual(r.body.results.map((x: { id: string }) => x.id), [
    "grafana:c6eadffa33fcdf37#1",
    "grafana:b77d941310f9d381#1",
  ]);
  const { body } = await h.get("/ingest/alerts?source=grafana");
  assert.equal(body.count, 2);
  const byType = Object.fromEntries(
    body.alerts.map((a: { dedup_key: string; alert_type: string }) => [a.dedup_key, a.alert_type]),
  );
  assert.deepEqual(byType, { c6eadffa33fcdf37: "MEMORY", b77d941310f9d381: "CPU" });
  assert.equal(body.alerts[0].timestamp, "2021-10-12T07:51:03.157Z");
  h.close();
});

Deno.test("POST /ingest/alerts/grafana accepts the older valueString form and unknown fields", async () => {
  const h = await ingestHarness();
  const body = grafanaExample();
  body.alerts = [body.alerts[0]];
  delete body.alerts[0].values;
  body.alerts[0].valueString = "[ metric='' labels={} value=14151.33 ]";
  body.alerts[0].imageURL = "https://example.com/panel.png";
  body.some_new_field = 1;
  const r = await h.post("/ingest/alerts/grafana", body);
  assert.equal(r.status, 202);
  assert.equal(r.body.accepted, 1);
  h.close();
});

Deno.test("POST /ingest/alerts closes a Grafana alert when it turns ok", async () => {
  const h = await ingestHarness();
  await h.post("/ingest/alerts", grafanaExample());
  const ok = grafanaExample();
  ok.status = "resolved";
  ok.state = "ok";
  ok.alerts = [{ ...ok.alerts[0], status: "resolved", endsAt: "2021-10-12T10:01:00+02:00" }];
  const r = await h.post("/ingest/alerts", ok);
  assert.equal(r.body.results[0].outcome, "resolved");
  const { body } = await h.get("/ingest/alerts?status=resolved");
  assert.equal(body.count, 1);
  assert.equal(body.alerts[0].resolved_at, "2021-10-12T08:01:00.000Z");
  assert.equal((await h.store.stats()).open, 1);
  h.close();
});

Deno.test("POST /ingest/alerts/grafana answers 422 naming alerts when the list is missing", async () => {
  const h = await ingestHarness();
  const body = grafanaExample();
  delete body.alerts;
  const r = await h.post("/ingest/alerts/grafana", body);
  assert.equal(r.status, 422);
  assert.equal(r.body.field, "alerts");
  h.close();
});
