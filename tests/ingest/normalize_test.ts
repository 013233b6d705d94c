/**
 * Alertmanager and Grafana normalisers: documented examples, lenient variants, resolved alerts
 * and malformed bodies. (PagerDuty, Datadog, generic and detection have their own files.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { normalize as normalizeAlertmanager } from "../../src/ingest/formats/alertmanager.ts";
import { normalize as normalizeGrafana } from "../../src/ingest/formats/grafana.ts";
import { NormalizedAlertSchema } from "../../src/ingest/normalized_alert.ts";
import { alertmanagerExample, assertField, grafanaExample } from "./fixtures.ts";

Deno.test("normalizeAlertmanager() maps the documented example", () => {
  const body = alertmanagerExample();
  const [alert, ...rest] = normalizeAlertmanager(body);
  assert.equal(rest.length, 0);
  const { raw, ...fields } = alert;
  assert.deepEqual(fields, {
    source: "alertmanager",
    dedup_key: "4f2b1c9d8e7a6b5c",
    status: "firing",
    alert_type: "CPU",
    visible_severity: 0.9,
    confidence: 0.8,
    service: "node",
    title: "HighCPU: CPU > 95% for 5m",
    timestamp: "2026-08-20T10:00:00.000Z",
  });
  assert.deepEqual(raw, body);
  NormalizedAlertSchema.parse(alert);
});

Deno.test("normalizeAlertmanager() maps a resolved alert to status resolved", () => {
  const body = alertmanagerExample();
  body.status = "resolved";
  Object.assign(body.alerts[0], { status: "resolved", endsAt: "2026-08-20T10:07:30Z" });
  const [alert] = normalizeAlertmanager(body);
  assert.equal(alert.status, "resolved");
  assert.equal(alert.timestamp, "2026-08-20T10:07:30.000Z");
  assert.equal(alert.dedup_key, "4f2b1c9d8e7a6b5c");
});

Deno.test("normalizeAlertmanager() uses startsAt for a resolved alert with Go zero endsAt", () => {
  const body = alertmanagerExample();
  body.alerts[0].status = "resolved";
  assert.equal(normalizeAlertmanager(body)[0].timestamp, "2026-08-20T10:00:00.000Z");
});

Deno.test("normalizeAlertmanager() returns one alert per entry, each raw re-ingestable alone", () => {
  const body = alertmanagerExample();
  body.alerts.push({
    status: "resolved",
    labels: { alertname: "NodeFilesystemAlmostOutOfSpace", instance: "db-2:9100" },
    startsAt: "2026-08-20T09:00:00Z",
    endsAt: "2026-08-20T10:01:00Z",
    fingerprint: "0000000000000abc",
  });
  const alerts = normalizeAlertmanager(body);
  assert.deepEqual(alerts.map((a) => [a.dedup_key, a.status, a.alert_type]), [
    ["4f2b1c9d8e7a6b5c", "firing", "CPU"],
    ["0000000000000abc", "resolved", "DISK"],
  ]);
  // commonLabels (job: node) fill in; the second alert's own labels have no job.
  assert.equal(alerts[1].service, "node");
  assert.equal(alerts[1].visible_severity, 0.9);
  for (const alert of alerts) {
    const raw = alert.raw as { alerts: unknown[]; receiver: string };
    assert.equal(raw.alerts.length, 1);
    assert.equal(raw.receiver, "triage-webhook");
    assert.deepEqual(normalizeAlertmanager(raw), [alert]);
  }
});

Deno.test("normalizeAlertmanager() ignores unknown and later-added fields", () => {
  const plain = normalizeAlertmanager(alertmanagerExample());
  const body = alertmanagerExample();
  Object.assign(body, {
    notification_reason: "some alerts resolved",
    routeLabels: { team: "sre" },
    futureField: { nested: [1, 2, 3] },
  });
  body.alerts[0].futureAlertField = true;
  const alerts = normalizeAlertmanager(body);
  assert.deepEqual(alerts.map(({ raw: _, ...f }) => f), plain.map(({ raw: _, ...f }) => f));
  assert.equal((alerts[0].raw as { routeLabels: unknown }).routeLabels !== undefined, true);
});

Deno.test("normalizeAlertmanager() fills defaults when optional fields are missing", () => {
  const body = { alerts: [{ labels: { alertname: "KubePodCrashLooping", namespace: "shop" } }] };
  const [alert] = normalizeAlertmanager(body);
  assert.equal(alert.status, "firing");
  assert.equal(alert.alert_type, "APPLICATION");
  assert.equal(alert.visible_severity, 0.5);
  assert.equal(alert.service, "shop");
  assert.equal(alert.title, "KubePodCrashLooping");
  assert.equal(alert.timestamp, "1970-01-01T00:00:00.000Z");
  assert.match(alert.dedup_key, /^derived-[0-9a-f]{16}$/);
  assert.equal(alert.truth_label, undefined);
  assert.equal("truth_label" in alert, false);
  // Derived key: a function of the label set only, whatever the key order.
  const again = normalizeAlertmanager({
    status: "resolved",
    alerts: [{ labels: { namespace: "shop", alertname: "KubePodCrashLooping" } }],
  }, { receivedAt: "2026-08-20T12:00:00+02:00" });
  assert.equal(again[0].dedup_key, alert.dedup_key);
  assert.equal(again[0].status, "resolved");
  assert.equal(again[0].timestamp, "2026-08-20T10:00:00.000Z");
});

Deno.test("normalizeAlertmanager() reads confidence and an explicit truth label", () => {
  const body = alertmanagerExample();
  Object.assign(body.alerts[0].labels, { confidence: "0.35", truth: "Noise" });
  const [alert] = normalizeAlertmanager(body);
  assert.equal(alert.confidence, 0.35);
  assert.equal(alert.truth_label, "noise");
  body.alerts[0].labels = { alertname: "X", truth: "maybe" };
  body.alerts[0].annotations = { triage_truth: "transient" };
  assert.equal(normalizeAlertmanager(body)[0].truth_label, "transient");
  body.alerts[0].annotations = {};
  assert.equal(normalizeAlertmanager(body)[0].truth_label, undefined);
});

Deno.test("normalizeAlertmanager() honours an explicit alert_type label", () => {
  const body = alertmanagerExample();
  body.alerts[0].labels.alert_type = "security";
  assert.equal(normalizeAlertmanager(body)[0].alert_type, "SECURITY");
});

Deno.test("normalizeAlertmanager() rejects malformed bodies naming the field", () => {
  assertField(() => normalizeAlertmanager("not json object"), "body");
  assertField(() => normalizeAlertmanager(null), "body");
  assertField(() => normalizeAlertmanager({ version: "4" }), "alerts");
  assertField(() => normalizeAlertmanager({ alerts: {} }), "alerts");
  assertField(() => normalizeAlertmanager({ alerts: [{ status: "firing" }] }), "alerts[0].labels");
  const cases: Array<[(b: ReturnType<typeof alertmanagerExample>) => void, string]> = [
    [(b) => b.alerts[0].status = "pending", "alerts[0].status"],
    [(b) => b.alerts[0].labels.severity = 3, "alerts[0].labels.severity"],
    [(b) => b.alerts[0].startsAt = "yesterday", "alerts[0].startsAt"],
    [(b) => b.alerts[0].endsAt = "2026-13-01T00:00:00Z", "alerts[0].endsAt"],
    [(b) => b.truncatedAlerts = -1, "truncatedAlerts"],
    [(b) => b.routeLabels = "sre", "routeLabels"],
    [(b) => b.status = "ok", "status"],
  ];
  for (const [mutate, field] of cases) {
    const body = alertmanagerExample();
    mutate(body);
    const error = assertField(() => normalizeAlertmanager(body), field);
    assert.equal(error.source, "alertmanager");
  }
});

Deno.test("normalizeAlertmanager() reports a missing field as required", () => {
  const error = assertField(() => normalizeAlertmanager({}), "alerts");
  assert.equal(error.reason, "required (expected array)");
});

Deno.test("normalizeGrafana() maps the documented example", () => {
  const body = grafanaExample();
  const alerts = normalizeGrafana(body);
  assert.equal(alerts.length, 2);
  const { raw, ...fields } = alerts[0];
  assert.deepEqual(fields, {
    source: "grafana",
    dedup_key: "c6eadffa33fcdf37",
    status: "firing",
    alert_type: "MEMORY",
    visible_severity: 0.5,
    confidence: 0.8,
    service: "unknown",
    title: "High memory usage: This alert was triggered for zone us-1",
    timestamp: "2021-10-12T07:51:03.157Z",
  });
  assert.deepEqual((raw as { alerts: unknown[] }).alerts, [body.alerts[0]]);
  assert.equal((raw as { state: string }).state, "alerting");
  assert.equal(alerts[1].alert_type, "CPU");
  assert.equal(alerts[1].dedup_key, "b77d941310f9d381");
  for (const alert of alerts) NormalizedAlertSchema.parse(alert);
});

Deno.test("normalizeGrafana() maps a resolved alert to status resolved", () => {
  const body = grafanaExample();
  Object.assign(body, { status: "resolved", state: "ok", title: "[RESOLVED] (blue)" });
  Object.assign(body.alerts[0], { status: "resolved", endsAt: "2021-10-12T10:01:00+02:00" });
  const [alert] = normalizeGrafana(body);
  assert.equal(alert.status, "resolved");
  assert.equal(alert.timestamp, "2021-10-12T08:01:00.000Z");
});

Deno.test("normalizeGrafana() falls back to state ok when no status is given", () => {
  const [alert] = normalizeGrafana({
    version: "1",
    state: "ok",
    alerts: [{ labels: { alertname: "T2", service: "checkout" } }],
  });
  assert.equal(alert.status, "resolved");
  assert.equal(alert.service, "checkout");
});

Deno.test("normalizeGrafana() accepts older and unknown per-alert fields", () => {
  const body = grafanaExample();
  delete body.alerts[0].values;
  Object.assign(body.alerts[0], {
    valueString: "[ metric='' labels={} value=14151.33 ]",
    imageURL: "https://grafana.example/render/1.png",
    somethingNew: 42,
  });
  body.alerts[1].values = null;
  delete body.alerts[1].silenceURL;
  delete body.orgId;
  delete body.message;
  const alerts = normalizeGrafana(body);
  assert.deepEqual(alerts.map((a) => a.dedup_key), ["c6eadffa33fcdf37", "b77d941310f9d381"]);
});

Deno.test("normalizeGrafana() rejects malformed bodies naming the field", () => {
  const cases: Array<[(b: ReturnType<typeof grafanaExample>) => void, string]> = [
    [(b) => b.orgId = "one", "orgId"],
    [(b) => b.alerts[1].values = [1, 2], "alerts[1].values"],
    [(b) => delete b.alerts[0].labels, "alerts[0].labels"],
    [(b) => b.alerts[0].startsAt = "12/10/2021", "alerts[0].startsAt"],
    [(b) => b.alerts = "none", "alerts"],
  ];
  for (const [mutate, field] of cases) {
    const body = grafanaExample();
    mutate(body);
    const error = assertField(() => normalizeGrafana(body), field);
    assert.equal(error.source, "grafana");
    assert.equal(
      new Set(error.issues.map((i) => `${i.field}:${i.reason}`)).size,
      error.issues.length,
    );
  }
});
