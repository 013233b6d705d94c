/**
 * Generic JSON alert normaliser: the documented example, arrays, status aliases, Alertmanager
 * API-style alerts and malformed bodies.
 *
 * @module
 */
import assert from "node:assert/strict";
import { normalize as normalizeGeneric } from "../../src/ingest/formats/generic.ts";
import { NormalizedAlertSchema } from "../../src/ingest/normalized_alert.ts";
import { assertField, genericExample } from "./fixtures.ts";

Deno.test("normalizeGeneric() maps the documented example", () => {
  const body = genericExample();
  const [alert, ...rest] = normalizeGeneric(body);
  assert.equal(rest.length, 0);
  assert.deepEqual(alert, {
    source: "generic",
    dedup_key: "disk-db-2",
    status: "firing",
    alert_type: "DISK",
    visible_severity: 0.9,
    confidence: 0.7,
    service: "db",
    title: "Disk usage 97% on db-2",
    timestamp: "2026-08-20T10:00:00.000Z",
    truth_label: "critical",
    raw: body,
  });
  NormalizedAlertSchema.parse(alert);
});

Deno.test("normalizeGeneric() maps a resolved alert to status resolved", () => {
  for (const status of ["resolved", "RESOLVED", "ok", "recovered", "closed", "resolve"]) {
    assert.equal(normalizeGeneric({ ...genericExample(), status })[0].status, "resolved", status);
  }
  for (const status of ["ack", "Acknowledged", "acknowledge"]) {
    assert.equal(normalizeGeneric({ title: "x", status })[0].status, "acknowledged", status);
  }
  for (const status of ["firing", "trigger", "triggered", "alerting", "problem", "open"]) {
    assert.equal(normalizeGeneric({ title: "x", status })[0].status, "firing", status);
  }
});

Deno.test("normalizeGeneric() fills defaults from a title alone", () => {
  const [alert] = normalizeGeneric({ title: "Checkout 5xx rate above 2%" });
  const { raw: _, dedup_key, ...fields } = alert;
  assert.match(dedup_key, /^derived-[0-9a-f]{16}$/);
  assert.deepEqual(fields, {
    source: "generic",
    status: "firing",
    alert_type: "APPLICATION",
    visible_severity: 0.5,
    confidence: 0.5,
    service: "unknown",
    title: "Checkout 5xx rate above 2%",
    timestamp: "1970-01-01T00:00:00.000Z",
  });
  const resolved = normalizeGeneric({ status: "ok", title: "Checkout 5xx rate above 2%" });
  assert.equal(resolved[0].dedup_key, dedup_key, "the resolve matches the firing alert");
});

Deno.test("normalizeGeneric() accepts an array and unknown fields", () => {
  const alerts = normalizeGeneric([
    { ...genericExample(), vendor_specific: { any: "thing" } },
    { title: "SSH brute force from 203.0.113.9", severity: 0.42, timestamp: 1755684000 },
  ]);
  assert.equal(alerts.length, 2);
  assert.equal(alerts[1].alert_type, "SECURITY");
  assert.equal(alerts[1].visible_severity, 0.42);
  assert.equal(alerts[1].timestamp, "2025-08-20T10:00:00.000Z");
  assert.deepEqual(normalizeGeneric([]), []);
});

Deno.test("normalizeGeneric() accepts Alertmanager API-style alerts", () => {
  const [alert] = normalizeGeneric([{
    labels: { alertname: "NodeOOMKills", severity: "warning", instance: "web-3:9100" },
    annotations: { summary: "OOM killer invoked on web-3" },
    startsAt: "2026-08-20T10:00:00+02:00",
    generatorURL: "http://prometheus.example:9090/graph",
  }]);
  assert.equal(alert.title, "OOM killer invoked on web-3");
  assert.equal(alert.alert_type, "MEMORY");
  assert.equal(alert.visible_severity, 0.5);
  assert.equal(alert.service, "web-3");
  assert.equal(alert.timestamp, "2026-08-20T08:00:00.000Z");
});

Deno.test("normalizeGeneric() reads labels for service, severity, confidence and truth", () => {
  const [alert] = normalizeGeneric({
    title: "Latency high",
    labels: { app: "search", severity: "P2", confidence: 0.25, truth: "noise", canary: true },
  });
  assert.equal(alert.service, "search");
  assert.equal(alert.visible_severity, 0.7);
  assert.equal(alert.confidence, 0.25);
  assert.equal(alert.truth_label, "noise");
  const [typed] = normalizeGeneric({ title: "Something odd", alert_type: "network issue" });
  assert.equal(typed.alert_type, "NETWORK");
});

Deno.test("normalizeGeneric() rejects malformed bodies naming the field", () => {
  assertField(() => normalizeGeneric({ status: "firing" }), "title");
  assertField(() => normalizeGeneric(42), "body");
  assertField(() => normalizeGeneric({ title: "x", status: "exploded" }), "status");
  assertField(() => normalizeGeneric({ title: "x", severity: 7 }), "severity");
  assertField(() => normalizeGeneric({ title: "x", confidence: "high" }), "confidence");
  assertField(() => normalizeGeneric({ title: "x", timestamp: "soon" }), "timestamp");
  assertField(() => normalizeGeneric({ title: "x", labels: { a: { b: 1 } } }), "labels.a");
  assertField(
    () => normalizeGeneric([{ title: "ok" }, { title: "x", severity: -1 }]),
    "[1].severity",
  );
  assertField(
    () => normalizeGeneric([{ title: "ok" }, { title: "x", timestamp: "?" }]),
    "[1].timestamp",
  );
  const error = assertField(() => normalizeGeneric({ title: 3 }), "title");
  assert.equal(error.source, "generic");
});
